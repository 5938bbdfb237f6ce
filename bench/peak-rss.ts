// Peak resident set size of this process. On Linux the kernel keeps the high-water mark in
// /proc/self/status (VmHWM), which catches peaks between samples; elsewhere getrusage's maxRSS.
import { readFileSync } from 'node:fs';

export function readPeakRss(): number {
  try {
    const status = readFileSync('/proc/self/status', 'latin1');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (match?.[1] !== undefined) return Number(match[1]) * 1024;
  } catch {
    // not Linux: fall through
  }
  return process.resourceUsage().maxRSS * 1024;
}
