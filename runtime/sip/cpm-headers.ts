import { randomUUID } from 'node:crypto';
import { splitHeaderValues } from './syntax/split-header-values.ts';
import { parseParams, unquote } from './syntax/parse-params.ts';
import type { SipHeaders } from './syntax/sip-headers.ts';

/**
 * OMA CPM identifiers for file transfer sessions (CPM Conversation Functions TS, clause 7.3.1 and
 * 7.4.1.x). The ICSI strings are the ones registered by OMA under 3GPP's urn-7 namespace; they were
 * checked against several deployed CPM/RCS clients because the TS text itself was not searchable.
 * The `.group` variant of the file-transfer ICSI is used by one deployed stack only: treat it as
 * provisional until confirmed against the TS.
 */
export const cpmIcsi = {
  /** CPM file transfer (1-1 and, in CPM 1.0, group). */
  fileTransfer: 'urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer',
  /** Group file transfer variant (provisional, see above). */
  fileTransferGroup: 'urn:urn-7:3gpp-service.ims.icsi.oma.cpm.filetransfer.group',
  /** CPM session (chat) and its group variant, for reference and capability matching. */
  session: 'urn:urn-7:3gpp-service.ims.icsi.oma.cpm.session',
  sessionGroup: 'urn:urn-7:3gpp-service.ims.icsi.oma.cpm.session.group',
} as const;
export type CpmIcsi = (typeof cpmIcsi)[keyof typeof cpmIcsi];

/** The media feature tag carrying an ICSI (3GPP TS 24.229 §7.9.2, RFC 3840). */
export const ICSI_FEATURE_TAG = '+g.3gpp.icsi-ref';

/**
 * RFC 3840 feature-tag values are quoted and the URN's ':' characters percent-encoded
 * (3GPP TS 24.229 §7.2A.8.2): `"urn%3Aurn-7%3A3gpp-service.ims.icsi.oma.cpm.filetransfer"`.
 */
export const icsiFeatureValue = (icsi: string): string => `"${icsi.replace(/:/g, '%3A')}"`;

export interface CpmInviteHeaders {
  /** Which ICSI the session is for (default: file transfer). */
  readonly icsi?: CpmIcsi | string;
  /** Conversation-ID: kept for the whole conversation; a new one is generated when absent. */
  readonly conversationId?: string;
  /** Contribution-ID: new for each session (and each file transfer); generated when absent. */
  readonly contributionId?: string;
  /** InReplyTo-Contribution-ID when replying to an earlier contribution. */
  readonly inReplyToContributionId?: string;
}

/**
 * A new Conversation-ID or Contribution-ID. CPM asks for globally unique values; a random UUID
 * satisfies that and matches what deployed clients send.
 */
export const newCpmId = (): string => randomUUID();

/** Contact header parameters that advertise the CPM ICSI (pass as `contactParams` to the UA). */
export function cpmContactParams(icsi: string = cpmIcsi.fileTransfer): Record<string, string> {
  return { [ICSI_FEATURE_TAG]: icsiFeatureValue(icsi) };
}

/**
 * The headers CPM puts on a file-transfer INVITE: Accept-Contact with the ICSI feature tag
 * (RFC 3841, explicit and required so the network only forks to CPM-capable devices),
 * P-Preferred-Service with the ICSI (RFC 6050), Conversation-ID and Contribution-ID. Returns the
 * list (for `invite(..., { headers })`) and the identifiers it used.
 */
export function cpmInviteHeaders(options: CpmInviteHeaders = {}): {
  headers: { name: string; value: string }[];
  conversationId: string;
  contributionId: string;
} {
  const icsi = options.icsi ?? cpmIcsi.fileTransfer;
  const conversationId = options.conversationId ?? newCpmId();
  const contributionId = options.contributionId ?? newCpmId();
  const headers = [
    { name: 'Accept-Contact', value: `*;${ICSI_FEATURE_TAG}=${icsiFeatureValue(icsi)};require;explicit` },
    { name: 'P-Preferred-Service', value: icsi },
    { name: 'Conversation-ID', value: conversationId },
    { name: 'Contribution-ID', value: contributionId },
  ];
  if (options.inReplyToContributionId !== undefined) headers.push({ name: 'InReplyTo-Contribution-ID', value: options.inReplyToContributionId });
  return { headers, conversationId, contributionId };
}

export interface CpmRequestInfo {
  readonly conversationId?: string;
  readonly contributionId?: string;
  readonly inReplyToContributionId?: string;
  /** ICSIs found in Accept-Contact feature tags, P-Preferred-Service / P-Asserted-Service and Contact. */
  readonly icsis: readonly string[];
  /** True when the request is for CPM file transfer (either ICSI variant). */
  readonly isFileTransfer: boolean;
}

/** Reads the CPM headers of an incoming INVITE. */
export function readCpmHeaders(headers: SipHeaders): CpmRequestInfo {
  const icsis = new Set<string>();
  const fromFeature = (value: string): void => {
    for (const item of splitHeaderValues(value)) {
      const params = parseParams(item.replace(/^[^;]*/, ''));
      const tag = params[ICSI_FEATURE_TAG];
      if (tag == null) continue;
      // A feature tag value may list several ICSIs separated by commas inside the quotes.
      for (const one of unquote(tag).split(',')) icsis.add(decodeURIComponent(one.trim()));
    }
  };
  for (const v of headers.getAll('Accept-Contact')) fromFeature(v);
  for (const v of headers.getAll('Contact')) fromFeature(v);
  for (const name of ['P-Preferred-Service', 'P-Asserted-Service']) {
    for (const v of headers.getAll(name)) for (const one of v.split(',')) if (one.trim().length > 0) icsis.add(one.trim());
  }
  const conversationId = headers.get('Conversation-ID');
  const contributionId = headers.get('Contribution-ID');
  const inReplyTo = headers.get('InReplyTo-Contribution-ID');
  const list = [...icsis];
  return {
    ...(conversationId !== undefined ? { conversationId } : {}),
    ...(contributionId !== undefined ? { contributionId } : {}),
    ...(inReplyTo !== undefined ? { inReplyToContributionId: inReplyTo } : {}),
    icsis: list,
    isFileTransfer: list.some((i) => i === cpmIcsi.fileTransfer || i === cpmIcsi.fileTransferGroup),
  };
}
