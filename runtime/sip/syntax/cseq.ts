import { CpmError, fail, ok, type Result } from '../../errors.ts';

/** RFC 3261 §20.16: CSeq = 1*DIGIT LWS Method. The number is below 2**31. */
export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

export function parseCSeq(text: string): Result<CSeq> {
  const m = /^\s*(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)\s*$/.exec(text);
  if (m === null || Number(m[1]) >= 2 ** 31) return fail(new CpmError('ERR_SIP_PARSE', `invalid CSeq ${JSON.stringify(text)}`, { location: { source: 'sip' } }));
  return ok({ seq: Number(m[1]), method: m[2]! });
}

export const formatCSeq = (cseq: CSeq): string => `${cseq.seq} ${cseq.method}`;
