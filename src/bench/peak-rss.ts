/**
 * Preloaded into a benchmarked child process (`node --import <this> …`): at
 * exit it writes the process's peak resident set size, in bytes, to the file
 * named by BENCH_PEAK_RSS_FILE. The child itself is unchanged; the parent
 * reads the file after the child has exited.
 */
import { writeFileSync } from 'node:fs';

const target = process.env.BENCH_PEAK_RSS_FILE;
if (target) {
  process.on('exit', () => {
    // maxRSS is in kilobytes.
    writeFileSync(target, String(process.resourceUsage().maxRSS * 1024));
  });
}
