/**
 * A short JSON text of any value the API sent, for warnings and invalid
 * entries. `JSON.stringify` recurses once per nesting level and has no size
 * limit, so a value nested 5,000 deep overflows the stack and a huge one fills
 * memory: this walks at most `maxDepth` levels (deeper ones become `…`) and
 * stops writing at `maxChars`. It never throws.
 */
export interface JsonPreviewOptions {
  /** Nesting levels shown; deeper containers become `[…]` / `{…}`. Default 4. */
  maxDepth?: number;
  /** Longest text returned (then cut with `…`). Default 200. */
  maxChars?: number;
}

export function jsonPreview(value: unknown, options: JsonPreviewOptions = {}): string {
  const maxDepth = options.maxDepth ?? 4;
  const maxChars = options.maxChars ?? 200;
  const out: string[] = [];
  let length = 0;
  const full = (): boolean => length > maxChars;
  const emit = (text: string): void => {
    out.push(text);
    length += text.length;
  };

  const walk = (node: unknown, depth: number): void => {
    if (full()) return;
    if (node === null || typeof node === 'boolean' || typeof node === 'number') {
      emit(typeof node === 'number' && !Number.isFinite(node) ? 'null' : String(node));
      return;
    }
    if (typeof node === 'string') {
      // Only the part that can still be shown is quoted: a 100 MB string costs no more than a short one.
      emit(JSON.stringify(node.length > maxChars ? node.slice(0, maxChars + 1) : node));
      return;
    }
    if (Array.isArray(node)) {
      if (depth >= maxDepth) return emit(node.length === 0 ? '[]' : '[…]');
      emit('[');
      for (let i = 0; i < node.length && !full(); i += 1) {
        if (i > 0) emit(',');
        walk(node[i], depth + 1);
      }
      emit(']');
      return;
    }
    if (typeof node === 'object') {
      const record = node as Record<string, unknown>;
      if (depth >= maxDepth) return emit('{…}');
      emit('{');
      let first = true;
      for (const name in record) {
        if (full()) break;
        if (!Object.prototype.hasOwnProperty.call(record, name)) continue;
        if (!first) emit(',');
        first = false;
        emit(`${JSON.stringify(name.length > maxChars ? name.slice(0, maxChars + 1) : name)}:`);
        walk(record[name], depth + 1);
      }
      emit('}');
      return;
    }
    // Not a JSON value (undefined, function, bigint): name its type.
    emit(typeof node);
  };

  walk(value, 0);
  const text = out.join('');
  return text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
}
