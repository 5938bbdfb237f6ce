import { randomBytes } from 'node:crypto';
import { BRANCH_MAGIC_COOKIE } from './syntax/via.ts';

/** RFC 3261 §8.1.1.7: branches are unique per transaction and start with the magic cookie. */
export const newBranch = (): string => `${BRANCH_MAGIC_COOKIE}${randomBytes(10).toString('hex')}`;
/** RFC 3261 §19.3: tags need at least 32 bits of randomness. */
export const newTag = (): string => randomBytes(6).toString('hex');
/** RFC 3261 §8.1.1.4: Call-IDs must be globally unique over time. */
export const newCallId = (host: string): string => `${randomBytes(12).toString('hex')}@${host.includes(':') ? `[${host}]` : host}`;
