/**
 * Renderers produce a report as a sequence of chunks (strings) whose
 * concatenation is the whole rendering, so the writer can put a large report
 * on disk without ever holding it as one string. A piece of a page is either
 * a string or, for the parts that grow with the report, chunks of its own.
 */
export type Piece = string | Iterable<string>;

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

/** The chunks of `items.map(render).join(separator)`, one per item, rendered when it is reached. */
export function* each<T>(items: Iterable<T>, render: (item: T) => string, separator: string): Generator<string> {
  let first = true;
  for (const item of items) {
    yield first ? render(item) : separator + render(item);
    first = false;
  }
}

/** The whole rendering as one string, for callers that want it (the `report` command's stdout, tests). */
export function joinChunks(chunks: Iterable<string>): string {
  return Array.from(chunks).join('');
}
