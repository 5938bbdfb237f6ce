// The runtime's public API: the only module generated code and src/ import from the runtime.
export * from './errors.ts';
export * from './procedure/index.ts';
export * from './sdp/index.ts';
export * from './files/index.ts';
export * from './sip/index.ts';
export * from './msrp/index.ts';
export * from './transfer/index.ts';
export * from './group/index.ts';
