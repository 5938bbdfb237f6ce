// Public surface of the SDP layer (re-exported by runtime/index.ts).
export * from './sdp-attribute.ts';
export * from './file-attribute-codecs.ts';
export * from './file-attribute-table.ts';
export * from './session-description.ts';
export * from './parse-session-description.ts';
export * from './serialize-session-description.ts';
export * from './attribute-list.ts';
export * from './msrp-attributes.ts';
export * from './offer-answer.ts';
