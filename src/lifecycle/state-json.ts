import type { LifecycleState } from './types.js';

/**
 * The state file's text, piece by piece: the same JSON as
 * `JSON.stringify(state)` (compact: the file is the tool's own memory, read
 * back by it, not a document), produced in batches so a state remembering
 * 100,000 findings is never one 30 MB string. The large parts are the
 * records keyed by fingerprint (`findings`, each channel's `alerted`); one
 * larger than `WHOLE_RECORD_ENTRIES` goes out `ENTRIES_PER_CHUNK` entries at a
 * time.
 */

const ENTRIES_PER_CHUNK = 1000;

export function* stateJsonChunks(state: LifecycleState): Generator<string> {
  yield `{"version":${JSON.stringify(state.version)},"findings":`;
  yield* recordChunks(state.findings);
  yield ',"channels":{';
  let separator = '';
  for (const [id, record] of Object.entries(state.channels)) {
    const { alerted, ...rest } = record;
    yield `${separator}${JSON.stringify(id)}:{"alerted":`;
    yield* recordChunks(alerted);
    const others = JSON.stringify(rest);
    yield others === '{}' ? '}' : `,${others.slice(1)}`;
    separator = ',';
  }
  yield `},"failureStreak":${JSON.stringify(state.failureStreak)}}\n`;
}

/**
 * Records of up to this many entries go out in one piece: one native
 * `JSON.stringify` is about twice as fast as entry by entry, and the string
 * (about 2.7 MB for 10,000 findings) is no larger than that part of the state
 * the process holds anyway. Larger records go out in batches.
 */
export const WHOLE_RECORD_ENTRIES = 10_000;

/** A record's JSON, whole or in batches of entries; entries whose value JSON leaves out (undefined) are left out here too. */
function* recordChunks(record: Readonly<Record<string, unknown>>): Generator<string> {
  const keys = Object.keys(record);
  if (keys.length <= WHOLE_RECORD_ENTRIES) {
    yield JSON.stringify(record);
    return;
  }
  let batch = '{';
  let count = 0;
  for (const key of keys) {
    const json = JSON.stringify(record[key]);
    if (json === undefined) continue;
    batch += `${count === 0 ? '' : ','}${JSON.stringify(key)}:${json}`;
    count += 1;
    if (count % ENTRIES_PER_CHUNK === 0) {
      yield batch;
      batch = '';
    }
  }
  yield `${batch}}`;
}
