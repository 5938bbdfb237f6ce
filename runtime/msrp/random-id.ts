import { randomBase64url, randomHex } from '../random-token.ts';

// RFC 4975 §14.1 wants session ids that an attacker cannot guess (at least 80 bits of
// randomness). 15 random bytes give 120 bits; base64url keeps them inside the session-id
// grammar of §9 (unreserved characters only).
export function newSessionId(): string {
  return randomBase64url(15);
}

// RFC 4975 §9 ident: alphanumerics (plus a few punctuation marks), 4 to 32 characters.
// Hex is a strict subset, and 64 random bits make collisions within a connection negligible.
export function newTransactionId(): string {
  return randomHex(8);
}

// A chunk's transaction id is also the needle both ends search every body byte for (RFC 4975
// §7.1: the sender checks that its end-line is absent from the body, the receiver looks for it).
// Buffer.indexOf skips ahead by up to the needle's length per probe, so the longest ident the
// grammar allows (32 characters) halves that scan on each side against 16: ~236 → ~126 ms/GiB of
// random data on the bench VM (docs/benchmarks.md, levers on the data path).
export function newChunkTransactionId(): string {
  return randomHex(16);
}

/** Message-ID uses the same ident grammar as transaction ids (RFC 4975 §9). */
export function newMessageId(): string {
  return randomHex(10);
}
