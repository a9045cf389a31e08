import type { LifecycleState } from './types.js';

/**
 * The state file's text, piece by piece: the same JSON as
 * `JSON.stringify(state)` (compact: the file is the tool's own memory, read
 * back by it, not a document), produced in batches so a state remembering
 * 100,000 findings is never one 30 MB string. The large parts are the
 * records keyed by fingerprint (`findings`, each channel's `alerted`); they
 * go out `ENTRIES_PER_CHUNK` entries at a time.
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

/** A record's JSON in batches of entries; entries whose value JSON leaves out (undefined) are left out here too. */
function* recordChunks(record: Readonly<Record<string, unknown>>): Generator<string> {
  let batch = '{';
  let count = 0;
  for (const [key, value] of Object.entries(record)) {
    const json = JSON.stringify(value);
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
