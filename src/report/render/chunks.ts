/**
 * Renderers produce a report as a sequence of chunks (strings) whose
 * concatenation is the whole rendering, so the writer can put a large report
 * on disk without ever holding it as one string. A piece of a page is either
 * a string or, for the parts that grow with the report, chunks of its own.
 */
export type Piece = string | Iterable<string>;

/**
 * About how many UTF-16 code units a chunk holds where a renderer makes many
 * small pieces (a row of the HTML page, a member of the JSON report: a few
 * hundred characters each). Every chunk costs the writer a step of its own;
 * a few kilobytes per chunk make those steps rare while a chunk stays far
 * smaller than the writer's buffer.
 */
export const CHUNK_UNITS = 16 * 1024;

/** The chunks of `pieces.join(separator)`, each piece expanded in place. */
export function* joined(pieces: Iterable<Piece>, separator: string): Generator<string> {
  let first = true;
  for (const piece of pieces) {
    if (!first) yield separator;
    first = false;
    if (typeof piece === 'string') yield piece;
    else yield* piece;
  }
}

/**
 * The chunks of `head`, then rows 0 to `count` - 1 (`render(index)`, each made
 * when it is reached) joined by `separator`, then `tail`. Consecutive rows are
 * gathered into chunks of about `CHUNK_UNITS`: a chunk ends after the
 * row that reaches that size.
 */
export function* rows(head: string, count: number, render: (index: number) => string, separator: string, tail: string): Generator<string> {
  let chunk = head;
  for (let index = 0; index < count; index += 1) {
    if (index > 0) chunk += separator;
    chunk += render(index);
    if (chunk.length >= CHUNK_UNITS) {
      yield chunk;
      chunk = '';
    }
  }
  yield chunk + tail;
}

/** The same text as `pieces`, gathered into chunks of about `CHUNK_UNITS` (a chunk ends after the piece that reaches that size). */
export function* gathered(pieces: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const piece of pieces) {
    chunk += piece;
    if (chunk.length >= CHUNK_UNITS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

/** The whole rendering as one string, for callers that want it (the `report` command's stdout, tests). */
export function joinChunks(chunks: Iterable<string>): string {
  return Array.from(chunks).join('');
}
