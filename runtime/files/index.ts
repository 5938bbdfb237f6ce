// Public surface of the file layer (re-exported by runtime/index.ts).
export * from './read-file-chunks.ts';
export * from './sha1-hasher.ts';
export * from './guess-mime-type.ts';
export * from './read-file-metadata.ts';
export * from './held-contents.ts';
export * from './file-hash-store.ts';
export * from './safe-file-name.ts';
export * from './received-ranges.ts';
export * from './receiving-writer.ts';
export * from './file-block-reader.ts';
export * from './sweep-stale-parts.ts';
