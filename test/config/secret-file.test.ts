import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { MAX_SECRET_FILE_BYTES } from '../../src/config/secret-file.js';
import { tempDirs } from './helpers.js';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

async function problemFor(env: Record<string, string>, cwd: string): Promise<string | undefined> {
  const { problems } = await validateConfig({ configPath: null, env, cwd });
  return problems.find((p) => p.key === 'C1_ACCESS_TOKEN_FILE')?.message;
}

describe('*_FILE secrets are read only from regular files of a sane size', () => {
  it('refuses /dev/zero at once instead of reading it until memory runs out', async () => {
    const cwd = await dirs.make();
    expect(await problemFor({ C1_ACCESS_TOKEN_FILE: '/dev/zero' }, cwd)).toMatch(/"\/dev\/zero" is not a regular file/);
  });

  it('refuses a FIFO with no writer instead of blocking for ever', async () => {
    const cwd = await dirs.make();
    const fifo = join(cwd, 'token.fifo');
    execFileSync('mkfifo', [fifo]);
    expect(await problemFor({ C1_ACCESS_TOKEN_FILE: fifo }, cwd)).toMatch(/is not a regular file/);
  });

  it('refuses a file above the cap, and accepts one at it', async () => {
    const cwd = await dirs.make();
    await writeFile(join(cwd, 'big'), 'a'.repeat(MAX_SECRET_FILE_BYTES + 1));
    expect(await problemFor({ C1_ACCESS_TOKEN_FILE: 'big' }, cwd)).toMatch(new RegExp(`is larger than ${MAX_SECRET_FILE_BYTES} bytes`));
    await writeFile(join(cwd, 'fits'), 'a'.repeat(MAX_SECRET_FILE_BYTES));
    expect(await problemFor({ C1_ACCESS_TOKEN_FILE: 'fits' }, cwd)).toBeUndefined();
  });
});
