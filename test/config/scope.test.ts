import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, validateConfig } from '../../src/config/load.js';
import { tempDirs, writeJson } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

describe('c1.scope, C1_SCOPE and c1.maxKeys', () => {
  it('defaults to the own keys and a 200,000-key bound, with no page limit and pages of 100', async () => {
    const { c1 } = await loadConfig({ env: {}, cwd: await dirs.make() });
    expect(c1).toMatchObject({ scope: 'self', maxKeys: 200_000, pageSize: 100, maxPages: null });
  });

  it('takes the scope from the file, and C1_SCOPE over it', async () => {
    const cwd = await dirs.make();
    const configPath = await writeJson(cwd, 'config.json', { c1: { scope: 'tenant', maxKeys: 5000, maxPages: 300 } });
    expect((await loadConfig({ configPath, env: {}, cwd })).c1).toMatchObject({ scope: 'tenant', maxKeys: 5000, maxPages: 300 });
    expect((await loadConfig({ configPath, env: { C1_SCOPE: 'self' }, cwd })).c1.scope).toBe('self');
    expect((await loadConfig({ env: { C1_SCOPE: ' tenant ' }, cwd })).c1.scope).toBe('tenant');
  });

  it('names the key of a bad scope or bound, and says what tenant scope needs', async () => {
    const cwd = await dirs.make();
    const configPath = await writeJson(cwd, 'config.json', { c1: { scope: 'everyone', maxKeys: 0, maxPages: 0 } });
    const { problems } = await validateConfig({ configPath, env: { C1_SCOPE: 'all-users' }, cwd });
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p.message]));
    expect(byKey['c1.scope']).toMatch(/"tenant" \(every user's keys; needs the personal API key of a C1 admin\)/);
    expect(byKey['C1_SCOPE']).toMatch(/^is not a scope "all-users": must be "self" .* or "tenant"/);
    expect(byKey['c1.maxKeys']).toBe('must be an integer from 1 to 10000000');
    expect(byKey['c1.maxPages']).toBe('must be an integer from 1 to 10000000, or null');
  });
});
