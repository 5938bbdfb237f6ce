// The sending client of a conformance scenario as the package ships it: the library's createClient
// with its default options (chunk size, window, peer tuning, report grace, waits ...). Only what the
// scenario's situation is made of is set: the application's success-report and m-line reuse choices
// (facts of the spec) and its answers at decision points. Runs in-process, on loopback, port 0.
import { createClient } from '../../src/client.ts';
import type { LogEvent } from '../../src/client-types.ts';
import type { ScenarioClientFactory } from '../../runtime/testing/conformance/index.ts';

export const shippedScenarioClient: ScenarioClientFactory = async (inputs) => {
  const client = await createClient({
    localUri: 'sip:alice@127.0.0.1',
    sip: { host: '127.0.0.1', port: 0, transport: 'udp' },
    procedures: inputs.procedures,
    successReport: inputs.successReport,
    reuseMlines: inputs.reuseMlines,
    decisions: inputs.decisions,
    log: (event: LogEvent) => inputs.log(event),
  });
  return {
    send: (destination, files) => client.send(destination, files),
    close: () => client.close(),
  };
};
