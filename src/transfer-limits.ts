// Bounds on what the library and CLI accept for the MSRP data path. (Meant to move into the
// transfer-defaults module of runtime/transfer once that exists.)

/**
 * Largest MSRP chunk we send: 4 MiB. RFC 4975 sets no limit, but receivers in the wild refuse or
 * misframe far smaller chunks, and each chunk in flight is a buffer held by both ends; a bigger
 * value only costs memory (a 1 GiB chunk would buffer a whole file).
 */
export const MAX_CHUNK_SIZE = 4 * 1024 * 1024;
