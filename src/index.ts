// The public library API of cpm-ft.
export { createClient, type ClientExtraOptions, type ReceiveExtraOptions } from './client.ts';
export { fileTransferProcedures } from './procedures.ts';
export type * from './client-types.ts';
