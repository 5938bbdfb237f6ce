// Public surface of the SDP layer (re-exported by runtime/index.ts).
export * from './sdp-attribute.ts';
export * from './file-attribute-codecs.ts';
