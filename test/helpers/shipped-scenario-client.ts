// The sending client of a conformance scenario as the package ships it: the library's createClient
// with its default options (chunk size, window, peer tuning, report grace, waits ...). Only what the
// scenario's situation is made of is set: the application's success-report and m-line reuse choices
// (facts of the spec) and its answers at decision points. Runs in-process, on loopback, port 0.
// The answering side of the receiving scenarios is at the end.
import { createClient } from '../../src/client.ts';
import type { LogEvent } from '../../src/client-types.ts';
import type { ScenarioAnswererFactory, ScenarioClientFactory } from '../../runtime/testing/conformance/index.ts';

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

// The answering side of a receiver-side scenario as the package ships it: a createClient with its
// default options whose receive() (pushes and re-offers) or serve() (pulls) takes the offers. Only
// the application's choices of the situation are set: the folder and its accept-file answer.
export const shippedScenarioAnswerer: ScenarioAnswererFactory = async (inputs) => {
  const client = await createClient({
    localUri: 'sip:bob@127.0.0.1',
    sip: { host: '127.0.0.1', port: 0, transport: 'udp' },
    procedures: inputs.procedures,
  });
  const accept = inputs.accept;
  if (inputs.role === 'file-server') client.serve({ dir: inputs.dir });
  else client.receive({ dir: inputs.dir, ...(accept === undefined ? {} : { accept: () => accept }) });
  return {
    uri: `sip:bob@127.0.0.1:${client.sipAddress.port}`,
    close: () => client.close(),
  };
};
