// Stable error codes for recipient lists and group membership, each mapped to the SIP status a
// URI-list service (the focus) answers with, so callers never re-derive the mapping.

export const groupErrorCodes = {
  /** The resource-lists document is not well-formed or not a resource-lists document. */
  listParse: 'ERR_GROUP_LIST_PARSE',
  /** The document carries a DTD, an entity declaration or an unknown entity reference. */
  listEntity: 'ERR_GROUP_LIST_ENTITY',
  /** The document is larger (bytes, depth or entries) than we are willing to read. */
  listTooLarge: 'ERR_GROUP_LIST_TOO_LARGE',
  /** The list refers to members indirectly (entry-ref / external), which a focus cannot resolve. */
  listUnsupported: 'ERR_GROUP_LIST_UNSUPPORTED',
  /** No member at all. */
  membersEmpty: 'ERR_GROUP_MEMBERS_EMPTY',
  /** The same member twice (RFC 3261 §19.1.4 URI equality). */
  memberDuplicate: 'ERR_GROUP_MEMBER_DUPLICATE',
  /** A member URI that is not a SIP/SIPS URI we can parse. */
  memberUri: 'ERR_GROUP_MEMBER_URI',
  /** More members than the service allows. */
  membersTooMany: 'ERR_GROUP_MEMBERS_TOO_MANY',
} as const;
export type GroupErrorCode = (typeof groupErrorCodes)[keyof typeof groupErrorCodes];
