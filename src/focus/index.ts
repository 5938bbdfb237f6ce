/**
 * Minimal CPM group focus. `createFocus(options) -> Promise<Focus>`; `classifyFocusInvite` (the
 * request checks, pure); `validateGroups` / `loadGroupsFile` (the groups file);
 * `createRelaySink` / `ByteQueue` (the streaming MSRP fan-out).
 */
export * from './focus-types.ts';
export { createFocus } from './create-focus.ts';
export { ACCEPTED_BODY_TYPES, RECIPIENT_LIST_INVITE, classifyFocusInvite, sameResource, statusForGroupError, type FocusDirectory, type FocusRejection, type FocusRequest } from './classify-focus-invite.ts';
export { loadGroupsFile, validateGroups, type GroupDirectory } from './load-groups.ts';
export { createRelaySink, type RelayOptions, type RelayOutcome, type RelaySink, type RelayTarget } from './relay-message-sink.ts';
export { ByteQueue } from './byte-queue.ts';
