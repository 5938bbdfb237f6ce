// Planning the m-lines of a re-offer when more files go to the same destination (clause 7.6.1
// step 4.b, RFC 5547 §8: an m-line may carry a new file once the previous one is done; an m-line no
// longer needed is closed by giving it port 0, and it stays in place because RFC 3264 §8 forbids
// removing m-lines from a re-offer).

/** One m-line of the session as the sender tracks it. */
export interface MlineSlot {
  /** Position in the SDP; never changes for the life of the session. */
  readonly index: number;
  /** The file it currently carries, or null once closed with port 0. */
  readonly fileTransferId: string | null;
}

export type MlineAssignment<F> =
  | { readonly kind: 'reuse'; readonly index: number; readonly file: F }
  | { readonly kind: 'add'; readonly index: number; readonly file: F }
  | { readonly kind: 'close'; readonly index: number }
  | { readonly kind: 'keep-closed'; readonly index: number }
  | { readonly kind: 'keep'; readonly index: number };

export interface MlinePlanOptions {
  /** Reuse existing m-lines for the new files (step 4.b.i). */
  readonly reuse: boolean;
  /** Close the m-lines the new batch does not need (step 4.b.ii). */
  readonly closeUnused: boolean;
}

/**
 * Assigns the next batch of files to m-lines: existing m-lines first, in SDP order, then new ones
 * appended. Returns one assignment per resulting m-line, in SDP order.
 */
export function planMlines<F>(slots: readonly MlineSlot[], files: readonly F[], options: MlinePlanOptions): MlineAssignment<F>[] {
  const plan: MlineAssignment<F>[] = [];
  let next = 0;
  for (const slot of slots) {
    if (options.reuse && next < files.length) {
      plan.push({ kind: 'reuse', index: slot.index, file: files[next++] as F });
    } else if (slot.fileTransferId === null) {
      plan.push({ kind: 'keep-closed', index: slot.index });
    } else {
      plan.push(options.closeUnused ? { kind: 'close', index: slot.index } : { kind: 'keep', index: slot.index });
    }
  }
  let index = slots.length;
  while (next < files.length) plan.push({ kind: 'add', index: index++, file: files[next++] as F });
  return plan;
}

/** How many open m-lines the next batch leaves without a file (the `unused-mlines` fact). */
export function countUnusedMlines(slots: readonly MlineSlot[], nextBatchSize: number): number {
  return slots.slice(nextBatchSize).filter((slot) => slot.fileTransferId !== null).length;
}
