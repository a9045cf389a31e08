/**
 * Preloaded into a benchmarked child process (`node --import <this> …`): at
 * exit it writes the process's peak resident set size, in bytes, to the file
 * named by BENCH_PEAK_RSS_FILE. The child itself is unchanged; the parent
 * reads the file after the child has exited.
 *
 * On Linux the peak is the new program's own high-water mark (`VmHWM`):
 * `getrusage`'s maxRSS carries over the parent's resident set from before the
 * exec, so a child of a large benchmark process would report at least the
 * parent's size. Elsewhere it is maxRSS.
 */
import { readFileSync, writeFileSync } from 'node:fs';

const target = process.env.BENCH_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => {
    writeFileSync(target, String(ownPeakRss() ?? process.resourceUsage().maxRSS * 1024));
  });
}

/** `VmHWM` of /proc/self/status in bytes, or null where there is none. */
function ownPeakRss(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
