// Automatic RFC 5547 §6 file icons: a small thumbnail made from an image file being sent without an
// icon of its own. The picture is decoded with bounded effort (source bytes, pixel count, time), made
// upright by its EXIF orientation, shrunk to fit a square (128 px by default), re-encoded as JPEG (PNG
// when it has transparency) without metadata, and then checked exactly like a hand-picked icon. Any
// problem (corrupt, truncated, too large, a decompression bomb, an unknown format) means no icon: the
// file itself is still sent, so a thumbnail can never stop a transfer.

import { checkIcon, DEFAULT_MAX_ICON_BYTES, type FileIcon } from '../../runtime/index.ts';
import type { ImageLibrary, ImageLibraryLoader } from './image-library.ts';

/** Media types (by file name) worth a thumbnail; SVG is left out on purpose (a document, not pixels). */
export const thumbnailSourceTypes: ReadonlySet<string> = new Set([
  'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/tiff', 'image/avif',
]);

export interface ThumbnailLimits {
  /** Longest side of the thumbnail in pixels. */
  readonly edge: number;
  /** Largest thumbnail in bytes (the icon cap a receiver applies by default). */
  readonly maxBytes: number;
  /** Source files larger than this are not opened. */
  readonly maxSourceBytes: number;
  /** Source images with more pixels than this are not decoded (sharp checks the header first). */
  readonly maxSourcePixels: number;
  /** libvips work time per attempt. */
  readonly timeoutSeconds: number;
}

export const defaultThumbnailLimits: ThumbnailLimits = {
  edge: 128,
  maxBytes: DEFAULT_MAX_ICON_BYTES,
  maxSourceBytes: 64 * 1024 * 1024,
  maxSourcePixels: 40_000_000,
  timeoutSeconds: 5,
};

export type ThumbnailResult = { readonly ok: true; readonly icon: FileIcon } | { readonly ok: false; readonly reason: string };

/** Makes the thumbnail of one image file; never throws. */
export async function makeThumbnail(library: ImageLibrary, path: string, size: number, limits: ThumbnailLimits = defaultThumbnailLimits): Promise<ThumbnailResult> {
  if (size > limits.maxSourceBytes) return { ok: false, reason: `the image has ${size} bytes, more than ${limits.maxSourceBytes} (no thumbnail)` };
  const input = { limitInputPixels: limits.maxSourcePixels, failOn: 'error', pages: 1 } as const;
  try {
    const meta = await library(path, input).metadata();
    const { width, height } = meta;
    if (width === undefined || height === undefined || width <= 0 || height <= 0) return { ok: false, reason: 'the image has no dimensions' };
    if (width * height > limits.maxSourcePixels) return { ok: false, reason: `the image has ${width}x${height} pixels, more than ${limits.maxSourcePixels}` };
    // A smaller edge (and lower JPEG quality) when the first try is over the byte cap: detailed
    // pictures with transparency can exceed it as PNG at 128 px.
    for (const [edge, quality] of [[limits.edge, 75], [Math.max(16, Math.floor(limits.edge / 2)), 60]] as const) {
      const pipeline = library(path, input)
        .timeout({ seconds: limits.timeoutSeconds })
        .rotate()
        .resize(edge, edge, { fit: 'inside', withoutEnlargement: true });
      const bytes = await (meta.hasAlpha === true ? pipeline.png({ compressionLevel: 9, palette: true }) : pipeline.jpeg({ quality })).toBuffer();
      if (bytes.length > limits.maxBytes) continue;
      const checked = checkIcon(bytes, { maxBytes: limits.maxBytes, source: path });
      return checked.ok ? { ok: true, icon: checked.value } : { ok: false, reason: checked.error.message };
    }
    return { ok: false, reason: `the thumbnail stays over ${limits.maxBytes} bytes` };
  } catch (error) {
    return { ok: false, reason: `cannot read the image: ${(error instanceof Error ? error.message : String(error)).split('\n')[0] ?? ''}` };
  }
}

export type AutoIconNote =
  | { readonly event: 'auto-icon-unavailable'; readonly message: string }
  | { readonly event: 'auto-icon'; readonly path: string; readonly type: string; readonly bytes: number }
  | { readonly event: 'auto-icon-skipped'; readonly path: string; readonly message: string };

export interface AutoThumbnailerOptions {
  readonly load: ImageLibraryLoader;
  readonly limits?: ThumbnailLimits;
  /** Outcomes, for the log and the CLI (the "unavailable" note comes once per thumbnailer). */
  readonly note?: (note: AutoIconNote) => void;
}

/**
 * The client's source of automatic icons: loads the library on the first image (once, shared by
 * concurrent callers), remembers that it is missing, and thumbnails each image file it is asked for.
 */
export class AutoThumbnailer {
  readonly #options: AutoThumbnailerOptions;
  #library: Promise<ImageLibrary | undefined> | undefined;

  constructor(options: AutoThumbnailerOptions) {
    this.#options = options;
  }

  /** Whether a file of this media type gets an automatic icon (the library is not loaded for others). */
  static wants(mediaType: string): boolean {
    return thumbnailSourceTypes.has(mediaType);
  }

  /** The icon for an image file, or undefined (not an image, no library, or unusable image). */
  async iconFor(path: string, size: number, mediaType: string): Promise<FileIcon | undefined> {
    if (!AutoThumbnailer.wants(mediaType)) return undefined;
    const library = await this.#loadOnce();
    if (library === undefined) return undefined;
    const made = await makeThumbnail(library, path, size, this.#options.limits);
    if (!made.ok) {
      this.#options.note?.({ event: 'auto-icon-skipped', path, message: made.reason });
      return undefined;
    }
    this.#options.note?.({ event: 'auto-icon', path, type: made.icon.type, bytes: made.icon.bytes.length });
    return made.icon;
  }

  #loadOnce(): Promise<ImageLibrary | undefined> {
    this.#library ??= this.#options.load().then(
      (loaded) => {
        if (loaded.ok) return loaded.library;
        this.#options.note?.({ event: 'auto-icon-unavailable', message: `no automatic file icons: ${loaded.reason}` });
        return undefined;
      },
      (error: unknown) => {
        this.#options.note?.({ event: 'auto-icon-unavailable', message: `no automatic file icons: ${String(error)}` });
        return undefined;
      },
    );
    return this.#library;
  }
}
