import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { HygieneError } from '../../src/errors.js';

/** The command line's side of `--config`: an empty path is a usage error, never "use the default file". */
function usageErrorOf(argv: string[]): HygieneError {
  try {
    parseCommand(argv);
  } catch (err) {
    if (err instanceof HygieneError) return err;
    throw err;
  }
  throw new Error(`parseCommand(${JSON.stringify(argv)}) did not throw`);
}

describe('--config on the command line', () => {
  it.each([
    { argv: ['audit', '--config='] },
    { argv: ['audit', '--config', ''] },
    { argv: ['validate', '--config=  '] },
    { argv: ['schedule', '--config', ''] },
  ])('$argv is a usage error naming the flag', ({ argv }) => {
    const err = usageErrorOf(argv);
    expect(err.code).toBe('USAGE');
    expect(err.message).toMatch(/^--config needs a file path\n/);
  });

  it('a given path is passed on as written', () => {
    expect(parseCommand(['audit', '--config=conf/c.json'])).toMatchObject({ name: 'audit', configPath: 'conf/c.json' });
    expect(parseCommand(['validate'])).toEqual({ name: 'validate', configPath: null });
  });

  it('an empty --output-dir is a usage error too, not the working directory', () => {
    const err = usageErrorOf(['demo', '--output-dir=']);
    expect(err.code).toBe('USAGE');
    expect(err.message).toMatch(/^--output-dir needs a directory path\n/);
  });
});
