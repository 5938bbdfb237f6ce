// The public library API of cpm-ft.
export { createClient, type ClientExtraOptions, type ReceiveExtraOptions } from './client.ts';
export { fileTransferProcedures } from './procedures.ts';
export type * from './client-types.ts';
// Errors: one class with a stable `code`, the closed list of codes, and the option error's details.
export { CpmError, type ErrorLocation, fileFailureCodes, type FileFailureSource } from '../runtime/index.ts';
export { cpmErrorCodes, isCpmError, type CpmErrorCode } from './error-codes.ts';
export { InvalidOptionError } from './options/invalid-option.ts';
export { cliHeapGrowth, limitHeapGrowth, type HeapGrowthLimit, type HeapGrowthOptions } from './heap-growth.ts';
