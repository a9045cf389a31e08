/**
 * Where a JSON text first breaks, and why, in words of our own: V8's
 * messages quote the text around the error, and a config file may hold a
 * secret pasted by mistake, so nothing from the text may reach a message.
 * Used only after `JSON.parse` failed, to point at the line and column.
 * Iterative (an explicit stack), so a file nested a million deep cannot
 * overflow the call stack.
 */
export interface JsonSyntaxError {
  /** Offset (UTF-16 code units) of the first character that cannot be right. */
  offset: number;
  reason: string;
}

type State = 'value' | 'value-or-close' | 'key' | 'key-or-close' | 'colon' | 'after';

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERALS = ['true', 'false', 'null'] as const;

export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const stack: Array<'array' | 'object'> = [];
  let state: State = 'value';
  let i = 0;
  const fail = (offset: number, reason: string): JsonSyntaxError => ({ offset, reason });

  for (;;) {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i += 1;
    if (i >= text.length) {
      return stack.length === 0 && state === 'after' ? null : fail(i, 'unexpected end of the file');
    }
    const c = text[i];
    switch (state) {
      case 'value':
      case 'value-or-close': {
        if (state === 'value-or-close' && c === ']') {
          stack.pop();
          i += 1;
          state = 'after';
        } else if (c === '{') {
          stack.push('object');
          i += 1;
          state = 'key-or-close';
        } else if (c === '[') {
          stack.push('array');
          i += 1;
          state = 'value-or-close';
        } else if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          state = 'after';
        } else {
          NUMBER.lastIndex = i;
          const number = NUMBER.exec(text);
          const literal = LITERALS.find((word) => text.startsWith(word, i));
          if (number && number[0].length > 0) i += number[0].length;
          else if (literal) i += literal.length;
          else return fail(i, 'expected a value (a string, number, object, list, true, false or null)');
          state = 'after';
        }
        break;
      }
      case 'key':
      case 'key-or-close': {
        if (state === 'key-or-close' && c === '}') {
          stack.pop();
          i += 1;
          state = 'after';
        } else if (c === '"') {
          const end = scanString(text, i);
          if (typeof end !== 'number') return end;
          i = end;
          state = 'colon';
        } else {
          return fail(i, 'expected a key in double quotes');
        }
        break;
      }
      case 'colon':
        if (c !== ':') return fail(i, 'expected ":" after a key');
        i += 1;
        state = 'value';
        break;
      case 'after': {
        const top = stack[stack.length - 1];
        if (top === undefined) return fail(i, 'unexpected content after the end of the JSON value');
        if (c === ',') {
          i += 1;
          state = top === 'array' ? 'value' : 'key';
        } else if ((top === 'array' && c === ']') || (top === 'object' && c === '}')) {
          stack.pop();
          i += 1;
        } else {
          return fail(i, top === 'array' ? 'expected "," or "]"' : 'expected "," or "}"');
        }
        break;
      }
    }
  }
}

/** Offset just past the closing quote of the string starting at `start`, or the error inside it. */
function scanString(text: string, start: number): number | JsonSyntaxError {
  for (let i = start + 1; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return i + 1;
    if (code < 0x20) return { offset: i, reason: 'a control character (such as a line break) inside a string' };
    if (code === 0x5c) {
      const next = text[i + 1];
      if (next === 'u') {
        if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, reason: 'a bad \\u escape in a string' };
        i += 5;
      } else if (next !== undefined && '"\\/bfnrt'.includes(next)) {
        i += 1;
      } else {
        return { offset: i, reason: 'a bad escape in a string' };
      }
    }
  }
  return { offset: start, reason: 'a string that is never closed' };
}

/** 1-based line and column of `offset`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i += 1) {
    if (text.charCodeAt(i) === 0x0a) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
