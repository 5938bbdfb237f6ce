// Fills the runtime's FileTransferProcedures delegate from the generated code: the clause 7.6.1 /
// 7.6.2 handlers and the RFC 5547 attribute builders. This is the only place that ties the two
// together, so regenerating from spec/ changes the client's behaviour with no runtime edit.

import { procedureHandlers } from '../generated/handlers/index.ts';
import { buildFileAttributes, parseFileAttributes } from '../generated/sdp/sdp-attributes.ts';
import type { FileTransferProcedures } from '../runtime/index.ts';

export const fileTransferProcedures: FileTransferProcedures = {
  handlers: procedureHandlers,
  fileAttributes: {
    build: (attributes) => buildFileAttributes(attributes),
    parse: (attributes) => parseFileAttributes(attributes),
  },
};
