// The image library behind automatic file icons, seen through the few calls cpm-ft makes. sharp
// (libvips) is an optional peer dependency: it is imported lazily, the first time a file that looks
// like an image is about to be offered without an icon, so a client that never sends an image (or a
// lean install without sharp) never loads it. The interface is ours so that no sharp type leaks into
// the shipped .d.ts (a consumer without sharp must still type-check) and tests can pass a fake loader.

/** Options for opening an input image (a subset of sharp's SharpOptions). */
export interface ImageInputOptions {
  /** Refuse to decode an image with more pixels than this (decompression-bomb guard). */
  readonly limitInputPixels: number;
  /** Refuse truncated or corrupt input instead of producing a partial picture. */
  readonly failOn: 'error' | 'warning' | 'truncated' | 'none';
  /** Only the first frame of an animated GIF/WebP or a multi-page TIFF. */
  readonly pages: number;
}

export interface ImageMetadata {
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly hasAlpha?: boolean | undefined;
  readonly format?: string | undefined;
}

export interface ImagePipeline {
  metadata(): Promise<ImageMetadata>;
  /** Without arguments: turn the picture upright as its EXIF Orientation says, then drop the tag. */
  rotate(): ImagePipeline;
  resize(width: number, height: number, options: { readonly fit: 'inside'; readonly withoutEnlargement: boolean }): ImagePipeline;
  jpeg(options: { readonly quality: number }): ImagePipeline;
  png(options: { readonly compressionLevel: number; readonly palette: boolean }): ImagePipeline;
  /** Abort processing that takes longer (libvips checks it between work units). */
  timeout(options: { readonly seconds: number }): ImagePipeline;
  toBuffer(): Promise<Buffer>;
}

/** Opens a file (or bytes) for processing. */
export type ImageLibrary = (input: string | Buffer, options: ImageInputOptions) => ImagePipeline;

/** What loading the library gave: the library, or why there is none (shown once to the user). */
export type ImageLibraryLoad = { readonly ok: true; readonly library: ImageLibrary } | { readonly ok: false; readonly reason: string };

export type ImageLibraryLoader = () => Promise<ImageLibraryLoad>;

/** The package name, also the hint in the "not installed" note. */
export const IMAGE_LIBRARY_PACKAGE = 'sharp';

/**
 * Imports sharp. A missing package (ERR_MODULE_NOT_FOUND) and one whose native part does not load on
 * this platform (sharp throws at import) both mean "no automatic icons", with the reason.
 */
export const loadSharp: ImageLibraryLoader = async () => {
  try {
    const module = (await import('sharp')) as { default: unknown };
    if (typeof module.default !== 'function') return { ok: false, reason: 'the sharp module has no default export' };
    return { ok: true, library: module.default as ImageLibrary };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND') return { ok: false, reason: `${IMAGE_LIBRARY_PACKAGE} is not installed (npm install ${IMAGE_LIBRARY_PACKAGE})` };
    return { ok: false, reason: `${IMAGE_LIBRARY_PACKAGE} did not load: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
};
