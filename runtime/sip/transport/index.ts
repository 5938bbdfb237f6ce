export * from './sip-transport.ts';
export * from './udp-transport.ts';
export * from './stream-transport.ts';
export * from './stamp-received.ts';
