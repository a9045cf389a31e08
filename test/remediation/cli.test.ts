import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { systemClock } from '../../src/clock.js';
import { runCli } from '../helpers/cli.js';

async function inProcess(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: {},
    cwd,
    stdout: { write: (text: string) => void (stdout += text) },
    stderr: { write: (text: string) => void (stderr += text), isTTY: true },
    clock: systemClock,
  });
  return { code, stdout, stderr };
}

describe('remediate on the command line', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'c1-remediate-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('--help says the plan is the dry run and that deletions cannot be undone', async () => {
    const help = await inProcess(['remediate', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('The plan is the dry run (no separate flag): nothing is deleted until it is applied');
    expect(help.stdout).toContain('remediate [--config FILE] --apply PLAN');
    expect(help.stdout).toContain('Deleted keys cannot be restored.');
  });

  it('refuses flags of other commands and empty paths', async () => {
    expect((await inProcess(['remediate', '--dry-run'], dir)).code).toBe(2);
    const empty = await inProcess(['remediate', '--apply='], dir);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--apply needs the path of a plan file');
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
