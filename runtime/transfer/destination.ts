// Where a send goes. Clause 7.6.1 step 1 picks the session set-up procedure from this shape:
// one recipient → CPM 1-1 session (7.3.1), a list → ad-hoc group via a conference factory (7.4.1.1),
// a group URI → pre-defined group session (7.4.1.2).

export type Destination =
  | { readonly kind: 'one-recipient'; readonly uri: string }
  | { readonly kind: 'recipient-list'; readonly uris: readonly string[]; readonly factory: string }
  | { readonly kind: 'predefined-group'; readonly uri: string };

/** A stable key so batches queued for "the same destination" (step 4.a) can be recognised. */
export function destinationKey(destination: Destination): string {
  switch (destination.kind) {
    case 'one-recipient':
    case 'predefined-group':
      return `${destination.kind}:${destination.uri}`;
    case 'recipient-list':
      return `${destination.kind}:${destination.factory}:${[...destination.uris].sort().join(',')}`;
  }
}
