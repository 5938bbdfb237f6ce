// Types of build-stamp.js, for the tests that read the stamp (scripts/ is plain JS, run without a loader).
export const stampName: string;
export function sourcesDigest(root: string): string;
export function distDigest(root: string): string;
export function stampContent(root: string, sources: string): string;
/** 'fresh' when dist/ is `npm run build`'s untouched output for the current sources; otherwise why not. */
export function buildState(root: string): string;
