import { describe, expect, test } from 'vitest';
import { c1ErrorMessage, collectErrorCodes, statusError, type HttpRequest, type HttpResponse } from '../../src/c1/http.js';

const TOKEN = 'tok_9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c';

describe('c1ErrorMessage', () => {
  test('returns the message of a C1 error body', () => {
    expect(c1ErrorMessage('{"code":16,"message":"invalid client assertion","details":[]}', [])).toBe('invalid client assertion');
  });

  test.each(['not json', '{"code":3}', '{"message":""}', '{"message":42}', 'null', '"text"'])('returns null for %s', (body) => {
    expect(c1ErrorMessage(body, [])).toBeNull();
  });

  test('replaces echoed values the caller passes to scrub', () => {
    const assertion = 'eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl';
    const message = c1ErrorMessage(JSON.stringify({ message: `bad assertion ${assertion} for key` }), [assertion]);
    expect(message).toBe('bad assertion [redacted] for key');
  });

  test('replaces encoded forms of a secret too', () => {
    const secret = 'p@ss word/with+odd=chars';
    const body = JSON.stringify({
      message: `b64 ${Buffer.from(secret).toString('base64')} url ${encodeURIComponent(secret)} form ${new URLSearchParams({ s: secret }).toString()}`,
    });
    expect(c1ErrorMessage(body, [secret])).toBe('b64 [redacted] url [redacted] form s=[redacted]');
  });

  test('removes a secret before shortening, so no prefix of it survives the cut', () => {
    const body = JSON.stringify({ message: `${'x'.repeat(180)} Bearer ${TOKEN}` });
    const message = c1ErrorMessage(body, [TOKEN]);
    expect(message).toBe(`${'x'.repeat(180)} Bearer [redacted]`);
    expect(message).not.toContain(TOKEN.slice(0, 6));
  });
});

describe('statusError', () => {
  const req: HttpRequest = { method: 'GET', url: new URL('http://127.0.0.1:1/api/v1/iam/personal_clients?page_size=10') };
  const response = (status: number, message: string, attempts = 1): HttpResponse => ({
    status,
    headers: {},
    body: JSON.stringify({ code: 7, message, details: [] }),
    attempts,
  });

  test.each([
    [403, 'C1_FORBIDDEN'],
    [404, 'C1_NOT_FOUND'],
    [500, 'C1_HTTP_ERROR'],
  ])('HTTP %i: the secrets are gone from the message and the details', (status, code) => {
    const err = statusError(response(status, `denied for Bearer ${TOKEN}`, 3), req, [TOKEN, null, undefined]);
    expect(err.code).toBe(code);
    expect(err.message).toContain('denied for Bearer [redacted]');
    expect(err.details.c1Message).toBe('denied for Bearer [redacted]');
    expect(JSON.stringify(err)).not.toContain(TOKEN);
    expect(err.message).not.toContain(TOKEN);
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

describe('c1ErrorMessage strips what could reorder or break a line', () => {
  test.each([
    ['U+202E (right-to-left override)', 'bad \u202Ekey\u202C id'],
    ['U+2028 (line separator)', 'bad\u2028key id'],
    ['C1 control NEL', 'bad\u0085key id'],
    ['C0 escape', 'bad\u001b[31mkey id'],
  ])('%s', (_name, message) => {
    const safe = c1ErrorMessage(JSON.stringify({ code: 3, message }), []);
    // eslint-disable-next-line no-control-regex
    expect(safe).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(safe).toMatch(/^bad .*key/);
  });
});
