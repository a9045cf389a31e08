import { describe, expect, test } from 'vitest';
import { REDACTED, redactSecrets, secretUrlForms } from '../src/redact.js';

const SLACK = 'https://hooks.slack.com/services/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';

describe('secretUrlForms', () => {
  test.each([
    ['the URL as given', SLACK],
    ['without the scheme', 'hooks.slack.com/services/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'],
    ['its path', '/services/T0AB12CD3/B0EF45GH6/q1w2e3r4t5y6u7i8o9p0a1s2'],
    ['the token segment alone', 'q1w2e3r4t5y6u7i8o9p0a1s2'],
  ])('blanks %s', (_name, form) => {
    const text = redactSecrets(`POST ${form} failed`, secretUrlForms(SLACK));
    expect(text).toBe(`POST ${REDACTED} failed`);
  });

  test('blanks a token in the query, also percent-decoded', () => {
    const forms = secretUrlForms('https://alerts.example.com/in?token=tok%2F8c1d5e9f2a3b4c6d7e8f');
    expect(redactSecrets('got tok/8c1d5e9f2a3b4c6d7e8f', forms)).toBe(`got ${REDACTED}`);
    expect(redactSecrets('got tok%2F8c1d5e9f2a3b4c6d7e8f', forms)).toBe(`got ${REDACTED}`);
  });

  test('leaves short path segments alone, so messages stay readable', () => {
    expect(redactSecrets('services are up', secretUrlForms(SLACK))).toBe('services are up');
  });

  test('an unparseable value is still blanked as it is', () => {
    expect(secretUrlForms('not a url at all')).toEqual(['not a url at all']);
  });
});
