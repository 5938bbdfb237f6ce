// The MSRP side of a scripted SIP peer (sipp): a runtime MsrpEndpoint on 127.0.0.1 with sessions made
// in advance, so their a=path URIs can be handed to sipp with -key before the call starts. Every
// message that arrives is collected whole, so tests compare bytes with the file that was sent.
import { createHash } from 'node:crypto';
import { MsrpEndpoint, type MsrpSession } from '../../runtime/msrp/index.ts';

export interface SunkMessage {
  readonly messageId: string;
  readonly contentType: string | undefined;
  readonly declaredSize: number | undefined;
  readonly flag: '$' | '#';
  readonly body: Buffer;
  readonly sha1: string;
}

export interface MsrpSink {
  readonly endpoint: MsrpEndpoint;
  readonly port: number;
  readonly sessions: readonly MsrpSession[];
  /** a=path value of session `index`. */
  path(index: number): string;
  /** Messages finished so far on session `index`. */
  messages(index: number): readonly SunkMessage[];
  /** Resolves with the first finished message on session `index`, rejects after `timeoutMs`. */
  nextMessage(index: number, timeoutMs?: number): Promise<SunkMessage>;
  close(): Promise<void>;
}

export async function startMsrpSink(sessionCount: number): Promise<MsrpSink> {
  const endpoint = await MsrpEndpoint.create({ host: '127.0.0.1', port: 0 });
  const finished: SunkMessage[][] = [];
  const waiters: Array<Array<(m: SunkMessage) => void>> = [];
  const sessions: MsrpSession[] = [];
  for (let i = 0; i < sessionCount; i += 1) {
    finished.push([]);
    waiters.push([]);
    sessions.push(endpoint.createSession({
      delegate: {
        onMessageStart: (info) => {
          const parts: Array<{ position: number; data: Buffer }> = [];
          return {
            write: (position, data) => { parts.push({ position, data: Buffer.from(data) }); },
            end: (flag) => {
              // Chunks may arrive out of order only in theory on one TCP connection; sort to be exact.
              const body = Buffer.concat(parts.sort((a, b) => a.position - b.position).map((p) => p.data));
              const message: SunkMessage = {
                messageId: info.messageId, contentType: info.contentType, declaredSize: info.size, flag, body,
                sha1: createHash('sha1').update(body).digest('hex'),
              };
              const waiter = waiters[i]?.shift();
              if (waiter) waiter(message);
              else finished[i]?.push(message);
            },
          };
        },
      },
    }));
  }
  const seen: SunkMessage[][] = finished.map(() => []);
  return {
    endpoint,
    port: endpoint.port,
    sessions,
    path: (index) => {
      const s = sessions[index];
      if (s === undefined) throw new RangeError(`no sink session ${index}`);
      return s.localPathText;
    },
    messages: (index) => [...(seen[index] ?? []), ...(finished[index] ?? [])],
    nextMessage(index, timeoutMs = 10_000) {
      const ready = finished[index]?.shift();
      if (ready) { seen[index]?.push(ready); return Promise.resolve(ready); }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no MSRP message on sink session ${index} within ${timeoutMs} ms`)), timeoutMs);
        waiters[index]?.push((m) => { clearTimeout(timer); seen[index]?.push(m); resolve(m); });
      });
    },
    close: () => endpoint.close(),
  };
}
