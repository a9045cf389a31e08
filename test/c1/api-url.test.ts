import { describe, expect, test } from 'vitest';
import { tenantFor } from '../../src/c1/api-url.js';

const CLIENT_ID = 'cool-otter-12345@acme.conductor.one/pcc';

describe('tenantFor', () => {
  test('takes the host from the client ID, else from the URL', () => {
    expect(tenantFor(CLIENT_ID, 'http://127.0.0.1:4000')).toBe('acme.conductor.one');
    expect(tenantFor(null, 'https://beta.conductor.one')).toBe('beta.conductor.one');
    expect(tenantFor('garbage', 'http://127.0.0.1:4000')).toBe('127.0.0.1:4000');
  });
});
