// The focus's groups file: a JSON object mapping each pre-defined group URI to its member URIs.
// Checked once at start-up so a bad file is reported with the group and member at fault.

import { readFile } from 'node:fs/promises';
import { CpmError, fail, ok, parseSipUri, type Result, validateMembers } from '../../runtime/index.ts';

export type GroupDirectory = Readonly<Record<string, readonly string[]>>;

const gerr = (message: string): CpmError => new CpmError('ERR_FOCUS_GROUPS', message);

/** Validates parsed JSON as a group directory (group URIs must be SIP URIs; members as validateMembers). */
export function validateGroups(json: unknown, options: { maxMembers?: number } = {}): Result<GroupDirectory> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail(gerr('groups must be a JSON object mapping group URIs to arrays of member URIs'));
  const groups: Record<string, string[]> = {};
  for (const [groupUri, members] of Object.entries(json)) {
    if (!parseSipUri(groupUri).ok) return fail(gerr(`group ${JSON.stringify(groupUri)}: not a SIP URI`));
    if (!Array.isArray(members) || !members.every((m): m is string => typeof m === 'string')) {
      return fail(gerr(`group ${groupUri}: members must be an array of URI strings`));
    }
    const valid = validateMembers(members, options);
    if (!valid.ok) return fail(new CpmError('ERR_FOCUS_GROUPS', `group ${groupUri}: ${valid.error.message}`, { cause: valid.error }));
    groups[groupUri] = valid.value.map((m) => m.uri);
  }
  return ok(groups);
}

export async function loadGroupsFile(path: string, options: { maxMembers?: number } = {}): Promise<Result<GroupDirectory>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return fail(new CpmError('ERR_FOCUS_GROUPS', `cannot read ${path}: ${(error as Error).message}`, { cause: error }));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return fail(new CpmError('ERR_FOCUS_GROUPS', `${path} is not valid JSON: ${(error as Error).message}`, { cause: error }));
  }
  return validateGroups(json, options);
}
