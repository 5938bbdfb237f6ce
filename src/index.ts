// The public library API of cpm-ft.
export { createClient, type ClientExtraOptions } from './client.ts';
export { fileTransferProcedures } from './procedures.ts';
export type * from './client-types.ts';
