// Typed accessors for the attributes an MSRP file-transfer m-line carries: RFC 4975 §8 (path,
// accept-types, accept-wrapped-types, max-size), RFC 6135 / RFC 4145 (setup, connection),
// RFC 4566 §6 (direction) and the RFC 5547 attribute names.

import { getAttribute, removeAttributes, setAttribute } from './attribute-list.ts';
import type { SdpAttribute } from './sdp-attribute.ts';
import type { SdpMedia, SessionDescription } from './session-description.ts';

export const msrpProtos = { tcp: 'TCP/MSRP', tls: 'TCP/TLS/MSRP' } as const;
export type MsrpProto = (typeof msrpProtos)[keyof typeof msrpProtos];

/** RFC 4975 §8: an MSRP stream is m=message with TCP/MSRP or TCP/TLS/MSRP (case-insensitive). */
export function isMsrpMedia(media: SdpMedia): boolean {
  const proto = media.proto.toUpperCase();
  return media.media.toLowerCase() === 'message' && (proto === msrpProtos.tcp || proto === msrpProtos.tls);
}

/** RFC 5547 §6 attribute names, in the order we write them. */
export const fileAttributeNames = {
  fileSelector: 'file-selector',
  fileTransferId: 'file-transfer-id',
  fileDisposition: 'file-disposition',
  fileDate: 'file-date',
  fileIcon: 'file-icon',
  fileRange: 'file-range',
} as const;
export type FileAttributeName = (typeof fileAttributeNames)[keyof typeof fileAttributeNames];
export const allFileAttributeNames: readonly FileAttributeName[] = Object.values(fileAttributeNames);

export const setupRoles = ['active', 'passive', 'actpass', 'holdconn'] as const;
export type SetupRole = (typeof setupRoles)[number];
export const connectionModes = ['new', 'existing'] as const;
export type ConnectionMode = (typeof connectionModes)[number];
export const directions = ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const;
export type Direction = (typeof directions)[number];

const splitList = (value: string | null | undefined): string[] => (value ?? '').split(/\s+/).filter((s) => s !== '');

// RFC 4975 §8.1 a=path: the MSRP URIs, space-separated, first hop first. Kept as text.
export function getPath(media: SdpMedia): string[] {
  return splitList(getAttribute(media.attributes, 'path'));
}
export function setPath(media: SdpMedia, uris: readonly string[]): void {
  setAttribute(media.attributes, 'path', uris.join(' '));
}

// RFC 4975 §8.1 a=accept-types / a=accept-wrapped-types: space-separated MIME types, '*' allowed.
export function getAcceptTypes(media: SdpMedia): string[] {
  return splitList(getAttribute(media.attributes, 'accept-types'));
}
export function setAcceptTypes(media: SdpMedia, types: readonly string[]): void {
  setAttribute(media.attributes, 'accept-types', types.join(' '));
}
export function getAcceptWrappedTypes(media: SdpMedia): string[] {
  return splitList(getAttribute(media.attributes, 'accept-wrapped-types'));
}
export function setAcceptWrappedTypes(media: SdpMedia, types: readonly string[]): void {
  setAttribute(media.attributes, 'accept-wrapped-types', types.join(' '));
}

// RFC 4975 §8.1 a=max-size: the largest message, in octets, the endpoint will receive.
export function getMaxSize(media: SdpMedia): number | undefined {
  const value = getAttribute(media.attributes, 'max-size');
  return value != null && /^[0-9]+$/.test(value.trim()) ? Number(value.trim()) : undefined;
}
export function setMaxSize(media: SdpMedia, size: number): void {
  setAttribute(media.attributes, 'max-size', String(size));
}

const oneOf = <T extends string>(allowed: readonly T[], value: string | null | undefined): T | undefined => {
  const v = value?.trim().toLowerCase();
  return allowed.find((a) => a === v);
};

// RFC 4145 §4 a=setup, used for MSRP by RFC 6135 §4; media-level overrides session-level.
export function getSetup(media: SdpMedia, session?: SessionDescription): SetupRole | undefined {
  return oneOf(setupRoles, getAttribute(media.attributes, 'setup') ?? (session && getAttribute(session.attributes, 'setup')));
}
export function setSetup(media: SdpMedia, role: SetupRole): void {
  setAttribute(media.attributes, 'setup', role);
}

// RFC 4145 §5 a=connection (new / existing), which RFC 6135 §4 allows with MSRP.
export function getConnectionMode(media: SdpMedia, session?: SessionDescription): ConnectionMode | undefined {
  return oneOf(connectionModes, getAttribute(media.attributes, 'connection') ?? (session && getAttribute(session.attributes, 'connection')));
}
export function setConnectionMode(media: SdpMedia, mode: ConnectionMode): void {
  setAttribute(media.attributes, 'connection', mode);
}

// RFC 4566 §6 direction attributes: a media-level one overrides the session-level one, and with
// neither the stream is sendrecv. RFC 3264 §5.1 gives them the same meaning for non-RTP streams.
export function getDirection(media: SdpMedia, session?: SessionDescription): Direction {
  const find = (attrs: readonly SdpAttribute[]): Direction | undefined => attrs.find((a) => (directions as readonly string[]).includes(a.name))?.name as Direction | undefined;
  return find(media.attributes) ?? (session ? find(session.attributes) : undefined) ?? 'sendrecv';
}
/** Replaces any direction attribute; the new one goes where the old one was, or at the end. */
export function setDirection(media: SdpMedia, direction: Direction): void {
  const index = media.attributes.findIndex((a) => (directions as readonly string[]).includes(a.name));
  removeAttributes(media.attributes, directions);
  if (index < 0) media.attributes.push({ name: direction, value: null });
  else media.attributes.splice(index, 0, { name: direction, value: null });
}

// RFC 5547 raw values, for code that does not need the decoded form.
export function getFileSelector(media: SdpMedia): string | undefined {
  return getAttribute(media.attributes, fileAttributeNames.fileSelector) ?? undefined;
}
export function getFileTransferId(media: SdpMedia): string | undefined {
  return getAttribute(media.attributes, fileAttributeNames.fileTransferId)?.trim() ?? undefined;
}
