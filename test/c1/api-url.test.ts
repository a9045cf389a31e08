import { describe, expect, test } from 'vitest';
import { apiUrlProblem, isLoopbackHost, resolveApiUrl, tenantFor } from '../../src/c1/api-url.js';
import { ConfigError } from '../../src/errors.js';

const CLIENT_ID = 'cool-otter-12345@acme.conductor.one/pcc';

describe('resolveApiUrl', () => {
  test.each([
    { clientId: CLIENT_ID, apiUrl: null, expected: 'https://acme.conductor.one' },
    { clientId: 'k@beta.conductor.one:8443/pcc', apiUrl: null, expected: 'https://beta.conductor.one:8443' },
    { clientId: CLIENT_ID, apiUrl: 'https://proxy.example.com/', expected: 'https://proxy.example.com' },
    { clientId: null, apiUrl: 'https://acme.conductor.one//', expected: 'https://acme.conductor.one' },
    { clientId: null, apiUrl: 'http://127.0.0.1:4000', expected: 'http://127.0.0.1:4000' },
    { clientId: null, apiUrl: 'http://localhost:4000/base/', expected: 'http://localhost:4000/base' },
    { clientId: null, apiUrl: 'http://[::1]:4000', expected: 'http://[::1]:4000' },
    { clientId: CLIENT_ID, apiUrl: '  ', expected: 'https://acme.conductor.one' },
  ])('($clientId, $apiUrl) → $expected', ({ clientId, apiUrl, expected }) => {
    expect(resolveApiUrl(clientId, apiUrl)).toBe(expected);
  });

  test.each([
    { clientId: CLIENT_ID, apiUrl: 'http://acme.conductor.one', key: 'C1_API_URL', message: /http:\/\/ only for a loopback host/ },
    { clientId: null, apiUrl: 'http://10.0.0.1', key: 'C1_API_URL', message: /loopback/ },
    { clientId: null, apiUrl: 'ftp://acme.conductor.one', key: 'C1_API_URL', message: /must start with https:\/\// },
    { clientId: null, apiUrl: 'acme.conductor.one', key: 'C1_API_URL', message: /not an absolute URL/ },
    { clientId: null, apiUrl: 'https://user:hunter2@acme.conductor.one', key: 'C1_API_URL', message: /user name or password/ },
    { clientId: null, apiUrl: 'https://acme.conductor.one/?x=1', key: 'C1_API_URL', message: /query or fragment/ },
    { clientId: 'not-a-client-id', apiUrl: null, key: 'C1_CLIENT_ID', message: /<name>@<tenant host>\/<suffix>/ },
    { clientId: null, apiUrl: null, key: 'C1_API_URL', message: /set either/ },
  ])('($clientId, $apiUrl) is a configuration error naming $key', ({ clientId, apiUrl, key, message }) => {
    let thrown: unknown;
    try {
      resolveApiUrl(clientId, apiUrl);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const error = thrown as ConfigError;
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]!.key).toBe(key);
    expect(error.problems[0]!.message).toMatch(message);
    expect(error.message).not.toContain('hunter2');
  });
});

describe('apiUrlProblem', () => {
  test('null for usable URLs, a sentence otherwise', () => {
    expect(apiUrlProblem('https://acme.conductor.one')).toBeNull();
    expect(apiUrlProblem('http://127.1.2.3:9')).toBeNull();
    expect(apiUrlProblem('http://example.com')).toMatch(/loopback/);
  });
});

describe('isLoopbackHost', () => {
  test.each([
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.255.0.9', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['localhost.evil.com', false],
    ['127.0.0.1.evil.com', false],
  ])('%s → %s', (host, expected) => {
    expect(isLoopbackHost(host)).toBe(expected);
  });
});

describe('tenantFor', () => {
  test('takes the host from the client ID, else from the URL', () => {
    expect(tenantFor(CLIENT_ID, 'http://127.0.0.1:4000')).toBe('acme.conductor.one');
    expect(tenantFor(null, 'https://beta.conductor.one')).toBe('beta.conductor.one');
    expect(tenantFor('garbage', 'http://127.0.0.1:4000')).toBe('127.0.0.1:4000');
  });
});
