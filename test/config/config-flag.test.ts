import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** The command line's side of `--config`: an empty path is a usage error, never "use the default file". */
describe('--config on the command line', () => {
  it.each([
    { argv: ['audit', '--config='] },
    { argv: ['audit', '--config', ''] },
    { argv: ['validate', '--config=  '] },
    { argv: ['schedule', '--config', ''] },
  ])('$argv is a usage error naming the flag', async ({ argv }) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ code: 'USAGE' });
    expect(result.errors[0]!.msg).toMatch(/^--config needs a file path\n/);
  });

  it('a given path is passed on as written', async () => {
    const result = await runCli(['validate', '--config=conf/c.json'], { cwd: '/nonexistent-c1-hygiene-dir' });
    expect(result.code).toBe(2);
    expect(result.errors[0]!.msg).toContain(JSON.stringify('/nonexistent-c1-hygiene-dir/conf/c.json'));
  });

  it('an empty --output-dir is a usage error too, not the working directory', async () => {
    const result = await runCli(['demo', '--output-dir=']);
    expect(result.code).toBe(2);
    expect(result.errors[0]).toMatchObject({ code: 'USAGE' });
    expect(result.errors[0]!.msg).toMatch(/^--output-dir needs a directory path\n/);
  });
});
