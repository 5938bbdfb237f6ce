import { randomHex } from '../random-token.ts';
import { BRANCH_MAGIC_COOKIE } from './syntax/via.ts';

/** RFC 3261 §8.1.1.7: branches are unique per transaction and start with the magic cookie. */
export const newBranch = (): string => `${BRANCH_MAGIC_COOKIE}${randomHex(10)}`;
/** RFC 3261 §19.3: tags need at least 32 bits of randomness. */
export const newTag = (): string => randomHex(6);
/** RFC 3261 §8.1.1.4: Call-IDs must be globally unique over time. */
export const newCallId = (host: string): string => `${randomHex(12)}@${host.includes(':') ? `[${host}]` : host}`;
