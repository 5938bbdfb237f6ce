// Ordered attribute lists: lookups by name keep the wire order, edits touch only named entries.

import type { SdpAttribute } from './sdp-attribute.ts';

/** First value of `name`: the value, null for a property attribute, undefined when absent. */
export function getAttribute(attributes: readonly SdpAttribute[], name: string): string | null | undefined {
  return attributes.find((a) => a.name === name)?.value;
}

export function getAttributes(attributes: readonly SdpAttribute[], name: string): Array<string | null> {
  return attributes.filter((a) => a.name === name).map((a) => a.value);
}

export function hasAttribute(attributes: readonly SdpAttribute[], name: string): boolean {
  return attributes.some((a) => a.name === name);
}

/** Replaces the first `name` in place (dropping later duplicates) or appends it. */
export function setAttribute(attributes: SdpAttribute[], name: string, value: string | null): void {
  const index = attributes.findIndex((a) => a.name === name);
  if (index < 0) {
    attributes.push({ name, value });
    return;
  }
  attributes[index] = { name, value };
  for (let i = attributes.length - 1; i > index; i--) if (attributes[i]?.name === name) attributes.splice(i, 1);
}

export function removeAttributes(attributes: SdpAttribute[], names: readonly string[]): void {
  for (let i = attributes.length - 1; i >= 0; i--) if (names.includes((attributes[i] as SdpAttribute).name)) attributes.splice(i, 1);
}
