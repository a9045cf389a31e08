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
