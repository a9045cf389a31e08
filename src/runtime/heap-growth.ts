import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow past what survived the last full garbage
 * collection before it collects again: 50 %, instead of V8's own factor
 * (chosen for throughput, up to several times the surviving data).
 *
 * An audit keeps one report's worth of data (every key as the report lists
 * it, every finding) and streams everything else; with V8's default the
 * process of a 100,000-key audit still peaked at nearly three times that
 * data, and a container's memory limit has to allow for the peak. At 50 %
 * it peaks at about 250 MiB there for a few percent more time spent
 * collecting (`npm run bench`, the 100,000-key row). Set once, by the
 * executable, before any command runs; V8 reads the factor at each
 * collection.
 */
export const HEAP_GROWING_PERCENT = 50;

export function limitHeapGrowth(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
