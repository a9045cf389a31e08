import { describe, expect, test } from 'vitest';
import { c1ErrorMessage, collectErrorCodes } from '../../src/c1/http.js';

describe('c1ErrorMessage', () => {
  test('returns the message of a C1 error body', () => {
    expect(c1ErrorMessage('{"code":16,"message":"invalid client assertion","details":[]}')).toBe('invalid client assertion');
  });

  test.each(['not json', '{"code":3}', '{"message":""}', '{"message":42}', 'null', '"text"'])('returns null for %s', (body) => {
    expect(c1ErrorMessage(body)).toBeNull();
  });

  test('replaces echoed values the caller passes to scrub', () => {
    const assertion = 'eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl';
    const message = c1ErrorMessage(JSON.stringify({ message: `bad assertion ${assertion} for key` }), [assertion]);
    expect(message).toBe('bad assertion [redacted] for key');
  });
});

describe('collectErrorCodes', () => {
  test('finds codes on causes and aggregated errors', () => {
    const inner = Object.assign(new Error('connect'), { code: 'ECONNREFUSED' });
    const aggregate = Object.assign(new AggregateError([inner]), { code: 'UND_ERR_SOCKET' });
    const outer = new Error('fetch failed', { cause: aggregate });
    expect(collectErrorCodes(outer)).toEqual(['UND_ERR_SOCKET', 'ECONNREFUSED']);
    expect(collectErrorCodes('nope')).toEqual([]);
  });
});
