// Builds the SDP offer for outgoing files: one m=message line per file (RFC 5547 §8.1), each with
// its own MSRP session path (RFC 4975 §8.1), setup:actpass (RFC 6135 §4) and the RFC 5547
// attributes built by the generated delegate.

import type { FileHashStore } from '../files/file-hash-store.ts';
import type { HeldContents } from '../files/held-contents.ts';
import { readFileMetadata } from '../files/read-file-metadata.ts';
import { randomBase64url } from '../random-token.ts';
import type { FileHash } from '../sdp/file-attribute-codecs.ts';
import { msrpProtos, setAcceptTypes, setPath, setSetup } from '../sdp/msrp-attributes.ts';
import { createMedia, createSessionDescription, type SdpMedia, type SessionDescription } from '../sdp/session-description.ts';
import type { FileIcon } from './file-icon.ts';
import type { FileAttributesValue, FileTransferProcedures } from './file-transfer-procedures.ts';

/** A local file ready to be offered: metadata read and the SHA-1 computed by streaming it. */
export interface PreparedFile {
  readonly path: string;
  readonly name: string;
  readonly size: number;
  readonly type: string;
  readonly hash: FileHash;
  readonly modified: Date;
  /** RFC 5547 §6 file-icon: the picture sent in the INVITE body and the Content-ID naming it. */
  readonly icon?: { readonly contentId: string; readonly icon: FileIcon };
  /** A small file's bytes as hashed, for its first send (read-file-metadata.ts). */
  readonly contents?: HeldContents;
}

export async function prepareFile(path: string, hashStore?: FileHashStore): Promise<PreparedFile> {
  const meta = await readFileMetadata(path, { hash: true, ...(hashStore !== undefined ? { hashStore } : {}) });
  return {
    path, name: meta.name, size: meta.size, type: meta.mimeType, hash: meta.hash as FileHash, modified: meta.modified,
    ...(meta.contents !== undefined ? { contents: meta.contents } : {}),
  };
}

/**
 * RFC 5547 §6: a file-transfer-id is a fresh random token per transfer, so that a re-offer can tell a
 * new file from the one in progress. 24 random bytes in base64url stay within the token grammar.
 */
export const newFileTransferId = (): string => randomBase64url(24);

export interface FileMediaOptions {
  /** Our MSRP URI for this m-line's session (a fresh session per m-line). */
  readonly path: readonly string[];
  readonly port: number;
  readonly transferId: string;
  /** Whether `add-file-attributes` was decided: without it only the MSRP attributes are written. */
  readonly withFileAttributes: boolean;
}

export function fileAttributesOf(file: PreparedFile, transferId: string): FileAttributesValue {
  return {
    fileSelector: { name: file.name, type: file.type, size: file.size, hash: file.hash },
    fileTransferId: transferId,
    fileDate: { modification: file.modified },
    // RFC 5547 §6 / RFC 2392: the m-line points at its icon's body part by Content-ID.
    ...(file.icon !== undefined ? { fileIcon: `cid:${file.icon.contentId}` } : {}),
    // RFC 5547 §8: pushing a file is offered send-only.
    direction: 'sendonly',
  };
}

/**
 * RFC 4975 §8.1: the m-line's transport follows our own URI, the last one of our a=path: an msrps:
 * URI means MSRP over TLS (TCP/TLS/MSRP), msrp: plain TCP.
 */
export function msrpProtoForPath(path: readonly string[]): string {
  const own = path.join(' ').trim().split(/\s+/).at(-1) ?? '';
  return own.toLowerCase().startsWith('msrps:') ? msrpProtos.tls : msrpProtos.tcp;
}

/** One file m-line: `m=message <port> TCP/MSRP *` (or TCP/TLS/MSRP) with path, accept-types, setup and file attributes. */
export function buildFileMedia(file: PreparedFile, procedures: FileTransferProcedures, options: FileMediaOptions): SdpMedia {
  const media = createMedia({ media: 'message', port: options.port, proto: msrpProtoForPath(options.path), formats: ['*'] });
  // RFC 5547 §8.1: accept-types names what the offerer sends, i.e. the file's type.
  setAcceptTypes(media, [file.type]);
  setPath(media, options.path);
  // RFC 6135 §4: offering actpass lets the answerer choose who opens the connection.
  setSetup(media, 'actpass');
  if (options.withFileAttributes) media.attributes.push(...procedures.fileAttributes.build(fileAttributesOf(file, options.transferId)));
  else media.attributes.push({ name: 'sendonly', value: null });
  return media;
}

export function buildSessionOffer(host: string, media: readonly SdpMedia[]): SessionDescription {
  const family = host.includes(':') ? 'IP6' : 'IP4';
  return createSessionDescription({
    origin: { username: '-', sessionId: String(Date.now()), sessionVersion: '1', netType: 'IN', addrType: family, address: host },
    connection: { netType: 'IN', addrType: family, address: host },
    media: [...media],
  });
}
