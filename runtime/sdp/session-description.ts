// The RFC 4566 session description model. Values stay close to the wire: numbers only where the
// RFC says integer and the value fits, everything else as text, so that parse + serialize of a
// well-formed description gives back the same lines.

import type { SdpAttribute } from './sdp-attribute.ts';

/** RFC 4566 §5.2 `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>`. */
export interface SdpOrigin {
  username: string;
  /** Kept as text: session ids are often 64-bit NTP-style numbers. */
  sessionId: string;
  sessionVersion: string;
  netType: string;
  addrType: string;
  address: string;
}

/** RFC 4566 §5.7 `c=<nettype> <addrtype> <connection-address>`. */
export interface SdpConnection {
  netType: string;
  addrType: string;
  address: string;
}

/** RFC 4566 §5.8 `b=<bwtype>:<bandwidth>`. */
export interface SdpBandwidth {
  type: string;
  value: number;
}

/** RFC 4566 §5.9 `t=<start-time> <stop-time>` and its §5.10 `r=` lines. */
export interface SdpTiming {
  start: string;
  stop: string;
  repeats: string[];
}

/** A line type this model has no field for, kept in place for round-trips (RFC 4566 §5: ignore unknown types). */
export interface SdpOtherLine {
  type: string;
  value: string;
}

/** RFC 4566 §5.14 `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` and its section. */
export interface SdpMedia {
  media: string;
  port: number;
  portCount: number | null;
  proto: string;
  formats: string[];
  information: string | null;
  connections: SdpConnection[];
  bandwidths: SdpBandwidth[];
  key: string | null;
  attributes: SdpAttribute[];
  otherLines: SdpOtherLine[];
}

export interface SessionDescription {
  version: number;
  origin: SdpOrigin;
  sessionName: string;
  information: string | null;
  uri: string | null;
  emails: string[];
  phones: string[];
  connection: SdpConnection | null;
  bandwidths: SdpBandwidth[];
  timings: SdpTiming[];
  timeZones: string | null;
  key: string | null;
  attributes: SdpAttribute[];
  otherLines: SdpOtherLine[];
  media: SdpMedia[];
}

/** A media section with nothing but the m= line filled in. */
export function createMedia(init: Pick<SdpMedia, 'media' | 'port' | 'proto'> & Partial<SdpMedia>): SdpMedia {
  return {
    portCount: null,
    formats: ['*'],
    information: null,
    connections: [],
    bandwidths: [],
    key: null,
    attributes: [],
    otherLines: [],
    ...init,
  };
}

/** A session description with the mandatory fields; `t=0 0` and `s=-` as most SIP UAs write. */
export function createSessionDescription(
  init: Pick<SessionDescription, 'origin'> & Partial<SessionDescription>,
): SessionDescription {
  return {
    version: 0,
    sessionName: '-',
    information: null,
    uri: null,
    emails: [],
    phones: [],
    connection: null,
    bandwidths: [],
    timings: [{ start: '0', stop: '0', repeats: [] }],
    timeZones: null,
    key: null,
    attributes: [],
    otherLines: [],
    media: [],
    ...init,
  };
}

/** Deep copy, so offer/answer helpers never alias the caller's description. */
export function cloneSessionDescription(sd: SessionDescription): SessionDescription {
  return structuredClone(sd);
}
