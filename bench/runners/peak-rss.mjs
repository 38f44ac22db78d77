import { readFileSync } from 'node:fs';

/**
 * Peak resident memory of this process in KB. On Linux, VmHWM of /proc/self/status: getrusage's
 * maxRSS would also count the parent's memory from before exec.
 */
export function peakRssKb() {
  try {
    const match = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
    if (match) return Number(match[1]);
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS;
}
