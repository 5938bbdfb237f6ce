// The delegate through which the transfer layer reaches the spec-generated code. The runtime owns
// this contract (STYLE: "lower layers declare interfaces"); src/procedures.ts fills it from
// generated/handlers and generated/sdp, so a regenerated spec changes behaviour here without the
// runtime importing generated code.

import type { Result } from '../errors.ts';
import type { ProcedureHandlers } from '../procedure/decision.ts';
import type { FileAttributesValue } from '../sdp/file-attribute-table.ts';
import type { SdpAttribute } from '../sdp/sdp-attribute.ts';

// The file-attribute value type is derived from the runtime's attribute table, which the spec is
// checked against (runtime/sdp/file-attribute-table.ts); re-exported here for the transfer layer.
export type { FileAttributesValue, FileSelectorValue } from '../sdp/file-attribute-table.ts';

export interface FileTransferProcedures {
  /** Clause 7.6.1 / 7.6.2 rules, one handler per event. */
  readonly handlers: ProcedureHandlers;
  /** RFC 5547 attribute builders and parsers generated from spec/sdp-attributes.rules. */
  readonly fileAttributes: {
    build(attributes: FileAttributesValue): SdpAttribute[];
    parse(attributes: readonly SdpAttribute[]): Result<FileAttributesValue>;
  };
}
