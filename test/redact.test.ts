import { describe, expect, test } from 'vitest';
import { MIN_SECRET_LENGTH, REDACTED, redactSecrets, secretRedactor } from '../src/redact.js';

const SECRET = 'hunter2/with spaces+and=signs';

describe('redactSecrets', () => {
  test('replaces every occurrence of each secret', () => {
    expect(redactSecrets(`a ${SECRET} b ${SECRET}`, [SECRET])).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  test.each([
    ['base64', Buffer.from(SECRET).toString('base64')],
    ['unpadded base64', Buffer.from(SECRET).toString('base64').replace(/=+$/, '')],
    ['base64url', Buffer.from(SECRET).toString('base64url')],
    ['URI component', encodeURIComponent(SECRET)],
    ['form encoding', new URLSearchParams({ x: SECRET }).toString().slice(2)],
  ])('replaces its %s form', (_name, form) => {
    expect(form).not.toBe(SECRET);
    expect(redactSecrets(`<${form}>`, [SECRET])).toBe(`<${REDACTED}>`);
  });

  test('leaves encoded forms alone when asked to', () => {
    const b64 = Buffer.from(SECRET).toString('base64');
    expect(redactSecrets(`${SECRET} ${b64}`, [SECRET], { encodedForms: false })).toBe(`${REDACTED} ${b64}`);
  });

  test(`ignores null, undefined, empty and values shorter than ${MIN_SECRET_LENGTH} unless minLength says otherwise`, () => {
    expect(redactSecrets('the abcde key', [null, undefined, '', 'abcde'])).toBe('the abcde key');
    expect(redactSecrets('the abcdef key', ['abcdef'])).toBe(`the ${REDACTED} key`);
    expect(redactSecrets('pw: ab', ['ab'], { minLength: 1 })).toBe(`pw: ${REDACTED}`);
  });

  test('removes a secret containing another one whole', () => {
    const inner = 'token-123456';
    const outer = `Bearer ${inner}-suffix`;
    expect(redactSecrets(`x ${outer} y`, [inner, outer])).toBe(`x ${REDACTED} y`);
  });

  test('a redactor reads the secrets once and can be reused', () => {
    const secrets = ['first-secret'];
    const redact = secretRedactor(secrets);
    secrets.push('second-secret');
    expect(redact('first-secret second-secret')).toBe(`${REDACTED} second-secret`);
    expect(redact('no secrets here')).toBe('no secrets here');
  });
});

describe('secrets inside longer encodings and cut short', () => {
  const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlLWJ5dGVz';

  test.each(['Bearer ', 'Basic x', 'ab', ''])('base64 of "%s<token>" (any alignment) is redacted', (prefix) => {
    const encoded = Buffer.from(`${prefix}${token}`).toString('base64');
    const result = redactSecrets(`server said: ${encoded} (echo)`, [token]);
    expect(result).toContain(REDACTED);
    // What is left of the encoding decodes to at most a few bytes of the token.
    const leftovers = result.split(REDACTED).join(' ').split(/\s+/).filter((part) => /^[A-Za-z0-9+/=]{6,}$/.test(part));
    for (const part of leftovers) expect(Buffer.from(part, 'base64').toString('latin1')).not.toMatch(/eyJzdWIi|c2lnbmF0/);
  });

  test('a 13-character start of the token echoed by a server is redacted, with whatever follows of it', () => {
    const result = redactSecrets(`token ${token.slice(0, 13)}... rejected`, [token]);
    expect(result).toBe(`token ${REDACTED}... rejected`);
    expect(redactSecrets(`x ${token.slice(0, 30)}`, [token])).toBe(`x ${REDACTED}`);
  });

  test('starts shorter than 12 characters are left (too common to mean the secret)', () => {
    expect(redactSecrets(`x ${token.slice(0, 11)} y`, [token])).toBe(`x ${token.slice(0, 11)} y`);
  });
});
