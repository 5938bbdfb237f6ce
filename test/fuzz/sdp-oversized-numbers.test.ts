// Numeric SDP fields past 2^53 - 1 are syntax errors located at the number (fuzz finding: they
// used to parse to Infinity, which serializes as "Infinity").
import { describe, expect, it } from 'vitest';
import { parseSessionDescription, serializeSessionDescription } from '../../runtime/sdp/index.ts';

const head = 'v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\n';
const big = '9'.repeat(400);

describe('SDP numbers beyond the safe integer range', () => {
  it.each([
    ['v=', `v=${big}\r\no=- 1 1 IN IP4 h\r\ns=-\r\n`, 1, 3],
    ['session b=', `${head}b=AS:${big}\r\n`, 4, 6],
    ['media b=', `${head}m=message 9 TCP/MSRP *\r\nb=TIAS:${big}\r\n`, 5, 8],
    ['m= port', `${head}m=message ${big} TCP/MSRP *\r\n`, 4, 11],
    ['m= port count', `${head}m=message 9/${big} TCP/MSRP *\r\n`, 4, 13],
    ['2^53', `${head}b=AS:9007199254740992\r\n`, 4, 6],
  ])('%s is an ERR_SDP_PARSE at its line and column', (_what, sdp, line, column) => {
    const r = parseSessionDescription(sdp);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('ERR_SDP_PARSE');
    expect(r.error.location).toMatchObject({ line, column });
  });

  it('the largest safe integer still parses and round-trips', () => {
    const sdp = `${head}b=AS:9007199254740991\r\nm=message 9/9007199254740991 TCP/MSRP *\r\n`;
    const r = parseSessionDescription(sdp);
    expect(r.ok && r.value.bandwidths[0]?.value).toBe(Number.MAX_SAFE_INTEGER);
    expect(r.ok && r.value.media[0]?.portCount).toBe(Number.MAX_SAFE_INTEGER);
    if (r.ok) expect(serializeSessionDescription(r.value)).toContain('m=message 9/9007199254740991 TCP/MSRP *');
  });
});
