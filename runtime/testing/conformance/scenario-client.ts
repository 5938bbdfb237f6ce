// The sending client a sender scenario runs (run-scenario.ts). By default the runtime's own
// FileTransferSender on a bare user agent, with the runtime's defaults (64 KiB chunks, a full
// window) and a peer it does not recognise, so the untuned data path. A caller can pass another
// factory: the library's client with its default options (test/helpers/shipped-scenario-client.ts),
// so that a rule that holds only in the bare configuration is caught. Only what a scenario needs
// of a client is named here, so both the runtime's transfer and the library's satisfy it.
import { MsrpEndpoint } from '../../msrp/msrp-endpoint.ts';
import type { DecisionPoint } from '../../procedure/vocabulary.ts';
import { cpmContactParams } from '../../sip/cpm-headers.ts';
import { createUdpTransport } from '../../sip/transport/udp-transport.ts';
import { createUserAgent } from '../../sip/user-agent.ts';
import type { Destination } from '../../transfer/destination.ts';
import type { FileTransferProcedures } from '../../transfer/file-transfer-procedures.ts';
import { FileTransferSender } from '../../transfer/file-transfer-sender.ts';
import { withTimeout } from '../../with-timeout.ts';
import type { FileFailure, TransferSummary } from '../../transfer/transfer-types.ts';

/** What a scenario does with a transfer: queue a batch, cancel, hear of failed files, wait for the end. */
export interface ScenarioTransfer {
  queue(files: readonly string[]): void;
  cancel(reason?: string): Promise<TransferSummary>;
  on(event: 'file-failed', listener: (result: { readonly name: string; readonly failure: FileFailure }) => void): unknown;
  readonly done: Promise<TransferSummary>;
}

export interface ScenarioClient {
  send(destination: Destination, files: readonly string[]): ScenarioTransfer;
  /** Ends whatever the client still holds; called once, after the scenario, whatever happened. */
  close(): Promise<void>;
}

/** The application's side of the situation: only what the scenario's facts and decisions require. */
export interface ScenarioClientInputs {
  readonly procedures: FileTransferProcedures;
  /** The `success-report-requested` fact: the application asks for success REPORTs. */
  readonly successReport: boolean;
  /** The `wants-mline-reuse` fact. */
  readonly reuseMlines: boolean;
  /** The application's answers at the decision points the scenario sets. */
  readonly decisions: Readonly<Partial<Record<DecisionPoint, boolean>>>;
  /** Receives the client's log events; the scenario reads the `rule` ones (event and facts). */
  readonly log: (event: { readonly kind: string; readonly [key: string]: unknown }) => void;
}

export type ScenarioClientFactory = (inputs: ScenarioClientInputs) => Promise<ScenarioClient>;

/** The runtime's sender on its own user agent and MSRP endpoint, with the runtime's defaults. */
export const runtimeScenarioClient: ScenarioClientFactory = async (inputs) => {
  const transport = await createUdpTransport({ host: '127.0.0.1', port: 0 });
  const ua = createUserAgent({ transports: [transport], localUri: 'sip:alice@127.0.0.1', contactParams: cpmContactParams(), userAgent: 'cpm-ft conformance sender' });
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1' });
  const sender = new FileTransferSender({
    ua,
    endpoint,
    procedures: inputs.procedures,
    successReport: inputs.successReport,
    reuseMlines: inputs.reuseMlines,
    decisions: inputs.decisions,
    waitTimeoutMs: 3000,
    log: inputs.log,
  });
  return {
    send: (destination, files) => sender.send(destination, files),
    async close() {
      // A transfer still running (a scenario that timed out) is ended before the sockets go.
      await withTimeout(sender.close(), 2000, () => new Error('closing the sender did not finish within 2000 ms')).catch(() => {});
      ua.close();
      await transport.close();
      await endpoint.close();
    },
  };
};
