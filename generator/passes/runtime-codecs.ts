// Value codecs the runtime provides for RFC 5547 attributes (runtime/sdp/file-attribute-codecs.ts,
// `fileAttributeCodecs`). That table is runtime-internal, so its names are mirrored here; a spec
// `codec` outside this list is a spec error.
export const runtimeCodecs = ['byte-range', 'cid-url', 'date-time', 'hash', 'integer', 'mime-type', 'quoted-string', 'token'] as const;
export type RuntimeCodec = (typeof runtimeCodecs)[number];
