import { describe, expect, it } from 'vitest';
import { makeClientSecret } from '../config/helpers.js';
import { runCli } from '../helpers/cli.js';

describe('tenant scope on the command line', () => {
  it('--help explains the scopes and that tenant scope needs a C1 admin\'s key', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/Scope \(c1\.scope or C1_SCOPE\):/);
    expect(stdout).toMatch(/tenant {5}every user's keys in the tenant; needs the personal API key of a\s+C1 admin/);
  });

  it('validate says what tenant scope needs, which it cannot check offline', async () => {
    const env = { C1_CLIENT_ID: 'cool-otter-12345@acme.conductor.one/pcc', C1_CLIENT_SECRET: makeClientSecret(), C1_SCOPE: 'tenant' };
    const ok = await runCli(['validate'], { env });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/configuration is valid/);
    expect(ok.stdout).toMatch(/c1\.scope is "tenant".*must be the personal API key of a C1 admin/);

    const bad = await runCli(['validate'], { env: { ...env, C1_SCOPE: 'everyone' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/C1_SCOPE: is not a scope \\"everyone\\"/);
  });
});
