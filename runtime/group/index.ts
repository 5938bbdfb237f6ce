/**
 * Group membership for CPM group file transfer (CPM 7.4.1.1 / 7.4.1.2, RFC 5366, RFC 4826):
 * - `buildResourceLists(uris, { copyControl }) -> string` — the recipient-list XML body.
 * - `parseResourceLists(xml, { maxBytes, maxDepth, maxEntries }) -> Result<string[]>` — a bounded
 *   reader that refuses DTDs and unknown entities.
 * - `validateMembers(uris, { maxMembers }) -> Result<ValidMember[]>` — empty / bad URI /
 *   duplicate (RFC 3261 §19.1.4) / too many, each with its own code in `groupErrorCodes`.
 */
export * from './group-error-codes.ts';
export * from './build-resource-lists.ts';
export * from './parse-resource-lists.ts';
export * from './validate-members.ts';
export * from './conference-info.ts';
