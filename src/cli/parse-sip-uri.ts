// A light check of SIP/SIPS URIs given on the command line (RFC 3261 §19.1.1 shape: scheme, optional
// userinfo@, host, optional :port, optional ;params). The SIP stack parses them properly; this only
// catches typos early so the user gets exit 2 and a hint instead of a failed INVITE.
import { fail, ok, type Result } from '../../runtime/index.ts';

const sipUri = /^sips?:(?:[^@\s;:]+(?::[^@\s;]*)?@)?(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?)(?::\d{1,5})?(?:;[^\s;]+)*$/i;

export function parseSipUri(text: string, option: string): Result<string, string> {
  if (!sipUri.test(text)) return fail(`${option} expects a SIP URI like sip:bob@127.0.0.1:5070, got '${text}'`);
  const port = /:(\d+)(?:;|$)/.exec(text.replace(/^sips?:/i, '').replace(/^[^@]*@/, ''));
  if (port?.[1] !== undefined && Number(port[1]) > 65535) return fail(`${option} has a bad port: '${text}'`);
  return ok(text);
}
