// SIP syntax: message model, parser, serializer and header-value parsers. Pure, no I/O.
export * from './sip-message.ts';
export * from './sip-headers.ts';
export * from './header-names.ts';
export * from './split-header-values.ts';
export * from './parse-message.ts';
export * from './serialize-message.ts';
export * from './sip-errors.ts';
export * from './parse-params.ts';
export * from './sip-uri.ts';
export * from './name-addr.ts';
export * from './via.ts';
export * from './cseq.ts';
export * from './media-type.ts';
export * from './multipart.ts';
export * from './sip-stream-framer.ts';
export * from './salvage-headers.ts';
export * from './build-response.ts';
