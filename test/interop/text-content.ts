// Deterministic text file content for interop tests: readable in captures, and no line can look like
// an MSRP end-line (seven dashes), so tshark decodes every SEND frame cleanly.
export function textContent(size: number, seed = 0): Buffer {
  const lines: string[] = [];
  let length = 0;
  for (let n = seed; length < size; n += 1) {
    const line = `cpm-ft interop line ${n}: the quick brown fox jumps over the lazy dog\n`;
    lines.push(line);
    length += line.length;
  }
  return Buffer.from(lines.join('').slice(0, size));
}
