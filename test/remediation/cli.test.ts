import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand, USAGE } from '../../src/cli/args.js';
import { runCli } from '../helpers/cli.js';

describe('remediate on the command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c1-remediate-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--help says the plan is the dry run and that deletions cannot be undone', () => {
    expect(USAGE).toContain('remediate');
    expect(USAGE).toContain('The plan is the dry run: nothing is deleted until it is applied.');
    expect(USAGE).toContain('remediate --apply PLAN');
    expect(USAGE).toContain('Deleted keys cannot be restored.');
  });

  it('parses its options and refuses those of other commands', () => {
    expect(parseCommand(['remediate'])).toEqual({ name: 'remediate', configPath: null, planOut: null, apply: null });
    expect(parseCommand(['remediate', '--apply', 'p.json', '--config', 'c.json'])).toEqual({
      name: 'remediate',
      configPath: 'c.json',
      planOut: null,
      apply: 'p.json',
    });
    expect(() => parseCommand(['remediate', '--dry-run'])).toThrow('--dry-run does not apply to "remediate"');
    expect(() => parseCommand(['remediate', '--apply='])).toThrow('--apply needs the path of a plan file');
    expect(() => parseCommand(['audit', '--apply', 'p.json'])).toThrow('--apply does not apply to "audit"');
  });

  it('smoke: the built CLI plans nothing with the default config', async () => {
    const result = await runCli(['remediate'], {
      cwd: dir,
      env: { C1_CLIENT_ID: 'cool-otter-12345@acme.conductor.one/pcc', C1_ACCESS_TOKEN: 'token-that-is-never-used', C1_API_URL: 'http://127.0.0.1:9' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('remediation.rules is empty');
  });
});
