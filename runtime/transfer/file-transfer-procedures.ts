// The delegate through which the transfer layer reaches the spec-generated code. The runtime owns
// this contract (STYLE: "lower layers declare interfaces"); src/procedures.ts fills it from
// generated/handlers and generated/sdp, so a regenerated spec changes behaviour here without the
// runtime importing generated code.

import type { Result } from '../errors.ts';
import type { ProcedureHandlers } from '../procedure/decision.ts';
import type { FileHash, FileRange } from '../sdp/file-attribute-codecs.ts';
import type { Direction } from '../sdp/msrp-attributes.ts';
import type { SdpAttribute } from '../sdp/sdp-attribute.ts';

/** RFC 5547 §5 file-selector parts, as the generated SDP builders model them. */
export interface FileSelectorValue {
  name?: string;
  type?: string;
  size?: number;
  hash: FileHash;
}

/** The RFC 5547 §6 attributes of one file m-line (structurally the generated `FileAttributes`). */
export interface FileAttributesValue {
  fileSelector?: FileSelectorValue;
  fileTransferId: string;
  fileDisposition?: string;
  fileDate?: { creation?: Date; modification?: Date; read?: Date };
  fileIcon?: string;
  fileRange?: FileRange;
  direction: Direction;
}

export interface FileTransferProcedures {
  /** Clause 7.6.1 / 7.6.2 rules, one handler per event. */
  readonly handlers: ProcedureHandlers;
  /** RFC 5547 attribute builders and parsers generated from spec/sdp-attributes.rules. */
  readonly fileAttributes: {
    build(attributes: FileAttributesValue): SdpAttribute[];
    parse(attributes: readonly SdpAttribute[]): Result<FileAttributesValue>;
  };
}
