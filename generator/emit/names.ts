// Turns spec words into TypeScript identifiers, so generated names follow the spec's own words.

/** 'send-files-requested' -> 'SendFilesRequested'; 'fileSelector' -> 'FileSelector'. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

/** The exported handler name for an event: 'last-send-acknowledged' -> 'onLastSendAcknowledged'. */
export function handlerName(event: string): string {
  return `on${pascalCase(event)}`;
}

/** A single-quoted TypeScript string literal for any text. */
export function literal(text: string): string {
  const escaped = JSON.stringify(text)
    .slice(1, -1)
    .replace(/\\"/g, '"')
    .replace(/'/g, "\\'")
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return `'${escaped}'`;
}

/** Text safe inside a block comment. */
export function commentText(text: string): string {
  return text.replace(/\*\//g, '*\\/').replace(/\s+/g, ' ').trim();
}
