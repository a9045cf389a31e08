import { gathered } from './chunks.js';

/**
 * `JSON.stringify(value, null, 2)` produced piece by piece, so a report of
 * 100,000 keys never exists as one 200 MB string. The outer containers (as
 * many levels as asked) are written member by member; every member below
 * them is stringified on its own by `JSON.stringify` itself. Joining the
 * pieces gives exactly the one-call result: members in `Object.keys` order,
 * members that serialise to nothing (undefined, functions, symbols) left out
 * of objects and written as `null` in arrays, `toJSON` called once with the
 * member's key, `[]` and `{}` for empty containers, and the same errors
 * (cycles, BigInt) — only thrown when the writer gets to that member's
 * chunk. Members are small and many: the writer is handed them gathered into
 * chunks of a few kilobytes.
 */

const GAP = '  ';

/**
 * The chunks of `JSON.stringify(value, null, 2)`. `levels` is how deep
 * containers are split: 1 splits only `value` itself (an array of events:
 * one piece per event), 2 also its members (the report: one piece per client,
 * finding, …). Anything that is not a plain object or array is one piece.
 */
export function jsonChunks(value: unknown, levels: number): Generator<string> {
  return gathered(jsonPieces(value, levels));
}

function* jsonPieces(value: unknown, levels: number): Generator<string> {
  const resolved = applyToJson(value, '');
  const written = yield* serialize(resolved, value !== resolved, 0, levels, '');
  // JSON.stringify(undefined) is undefined, which a template string writes as "undefined".
  if (written === undefined) yield 'undefined';
}

/**
 * Writes `value` (its own `toJSON` already applied) at `depth`, after
 * `prefix` (the separator and indentation before it). Returns `undefined`
 * without writing anything when the value serialises to nothing, so an
 * object can leave the member out.
 */
function* serialize(value: unknown, toJsonApplied: boolean, depth: number, levels: number, prefix: string): Generator<string, undefined | true> {
  if (serialisesToNothing(value)) return undefined;
  if (levels > 0 && Array.isArray(value)) {
    yield* arrayChunks(arrayElements(value), depth, levels, prefix);
    return true;
  }
  if (levels > 0 && isPlainObject(value)) {
    yield* objectChunks(value, depth, levels, prefix);
    return true;
  }
  if (prefix !== '') yield prefix;
  yield stringifyAt(value, toJsonApplied, depth);
  return true;
}

/**
 * The pieces of `JSON.stringify([...items], null, 2)` without building the
 * array: each item is stringified when it is produced (and split further
 * when `levels` > 1).
 */
export function jsonArrayChunks(items: Iterable<unknown>, levels: number): Generator<string> {
  return gathered(arrayChunks(items, 0, levels, ''));
}

function* arrayChunks(items: Iterable<unknown>, depth: number, levels: number, prefix: string): Generator<string> {
  const inner = `\n${GAP.repeat(depth + 1)}`;
  let before = `${prefix}[${inner}`;
  let index = 0;
  for (const element of items) {
    const resolved = applyToJson(element, String(index));
    const written = yield* serialize(resolved, element !== resolved, depth + 1, levels - 1, before);
    if (written === undefined) yield `${before}null`;
    before = `,${inner}`;
    index += 1;
  }
  yield index === 0 ? `${prefix}[]` : `\n${GAP.repeat(depth)}]`;
}

function* objectChunks(object: Record<string, unknown>, depth: number, levels: number, prefix: string): Generator<string> {
  const inner = `\n${GAP.repeat(depth + 1)}`;
  let before = `${prefix}{${inner}`;
  let any = false;
  for (const key of Object.keys(object)) {
    const member = object[key];
    const resolved = applyToJson(member, key);
    const written = yield* serialize(resolved, member !== resolved, depth + 1, levels - 1, `${before}${JSON.stringify(key)}: `);
    if (written === undefined) continue;
    any = true;
    before = `,${inner}`;
  }
  yield any ? `\n${GAP.repeat(depth)}}` : `${prefix}{}`;
}

/** Every index up to `length`, holes included (JSON.stringify writes them as null), and nothing else. */
function* arrayElements(array: readonly unknown[]): Generator<unknown> {
  for (let index = 0; index < array.length; index += 1) yield array[index];
}

/** What JSON.stringify serialises in place of `value` found under `key`: the result of its `toJSON`, when it has one. */
function applyToJson(value: unknown, key: string): unknown {
  if (!hasToJson(value)) return value;
  return (value as { toJSON: (key: string) => unknown }).toJSON(key);
}

function hasToJson(value: unknown): boolean {
  const holdsProperties = (typeof value === 'object' && value !== null) || typeof value === 'function' || typeof value === 'bigint';
  return holdsProperties && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

function serialisesToNothing(value: unknown): boolean {
  return value === undefined || typeof value === 'function' || typeof value === 'symbol';
}

/** Only these are split; anything else (boxed primitives, raw JSON, class instances) is left to JSON.stringify whole. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  const isRawJson = (JSON as { isRawJSON?: (value: unknown) => boolean }).isRawJSON;
  return !isRawJson?.(value);
}

/**
 * `value` stringified as it appears at `depth`: nested in `depth` one-element
 * arrays, JSON.stringify indents it exactly as it would inside the report, and
 * the wrapper's brackets are sliced off again (cheaper than re-indenting).
 */
function stringifyAt(value: unknown, toJsonApplied: boolean, depth: number): string {
  if (toJsonApplied && hasToJson(value)) {
    // What a toJSON returned is not asked for its own toJSON again: hand it to JSON.stringify through a one-time replacer.
    let first = true;
    const replacer = (_key: string, current: unknown): unknown => {
      if (!first) return current;
      first = false;
      return value;
    };
    const text = JSON.stringify(null, replacer, 2) as string | undefined;
    return text === undefined ? 'null' : text.replaceAll('\n', `\n${GAP.repeat(depth)}`);
  }
  let wrapped: unknown = value;
  for (let level = 0; level < depth; level += 1) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // `[\n  ` + … per level before, `\n  ]` + … per level after.
  const head = 2 * depth + depth * (depth + 1);
  const tail = 2 * depth + depth * (depth - 1);
  return text.slice(head, text.length - tail);
}
