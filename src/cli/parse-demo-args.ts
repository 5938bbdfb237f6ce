// Arguments of `cpm-ft demo`.
import { parseArgs } from 'node:util';
import { fail, ok, type Result } from '../../runtime/index.ts';
import type { SipTransportName } from '../client-types.ts';
import { parseByteCount } from './parse-byte-count.ts';
import { parseTransport } from './parse-transport.ts';
import { explainParseError } from './explain-parse-error.ts';

export interface DemoCommand {
  readonly size: number;
  readonly transport: SipTransportName;
  readonly help: boolean;
}

export const demoUsage = `usage: cpm-ft demo [--size BYTES] [--transport udp|tcp]

  Starts a receiver and a sender in this process, sends a file of random bytes over loopback and
  compares the SHA-1 on both ends.

  --size BYTES        size of the generated file (default 8M)
  --transport T       udp (default) or tcp
`;

export const defaultDemoSize = 8 * 1024 * 1024;

const demoOptions = { size: { type: 'string' }, transport: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export function parseDemoArgs(args: readonly string[]): Result<DemoCommand, string> {
  let values: { size?: string; transport?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args: [...args], options: demoOptions, allowPositionals: false, strict: true }));
  } catch (error) {
    return fail(explainParseError(error, demoOptions));
  }
  let size = defaultDemoSize;
  if (values.size !== undefined) {
    const parsed = parseByteCount(values.size, '--size');
    if (!parsed.ok) return parsed;
    size = parsed.value;
  }
  const transport = parseTransport(values.transport, ['udp', 'tcp']);
  if (!transport.ok) return transport;
  return ok({ size, transport: transport.value, help: values.help === true });
}
