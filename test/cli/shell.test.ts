import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyFlag } from '../../src/cli/args.js';
import { COMMANDS } from '../../src/cli/command-table.js';
import type { CommandSpec } from '../../src/cli/command.js';
import { main } from '../../src/cli/main.js';
import { editDistance, nearest } from '../../src/cli/suggest.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-shell-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('help', () => {
  it.each(COMMANDS.map((command) => [command.name, command] as const))('"%s --help" describes that command: usage, every flag, exit codes', async (name, command) => {
    const result = await runCli([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: c1-hygiene ${name}\\b`));
    expect(result.stdout).toContain(command.description);
    for (const flag of command.flags) expect(result.stdout).toMatch(new RegExp(`^  --${flag.name}\\b.*${escape(flag.description)}`, 'm'));
    for (const flag of command.flags.filter((f) => f.default !== undefined)) expect(result.stdout).toContain(`(default: ${flag.default})`);
    for (const [code, meaning] of command.exitCodes) expect(result.stdout).toMatch(new RegExp(`^  ${code} +${escape(meaning)}$`, 'm'));
    // Another command's flags are not in this help.
    const foreign = COMMANDS.flatMap((other) => other.flags).filter((flag) => !command.flags.some((own) => own.name === flag.name));
    for (const flag of foreign) expect(result.stdout).not.toContain(`--${flag.name}`);
    expect(result.stderr).toBe('');
  });

  it('audit --help names the flags, their defaults and the exit codes', async () => {
    const { stdout } = await runCli(['audit', '--help']);
    expect(stdout).toContain('--fail-on SEVERITY');
    expect(stdout).toContain('info, low, medium, high, critical');
    expect(stdout).toContain('(default: config/config.json when present)');
    expect(stdout).toMatch(/^ {2}4 +report written, but alert delivery failed/m);
  });

  it('help wins over other flags, before or after the command', async () => {
    for (const argv of [['audit', '--as-of', 'not a time', '--help'], ['-h', 'validate'], ['validate', '--bogus', '-h']]) {
      const result = await runCli(argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 0 });
      expect(result.stdout).toMatch(/^Usage: c1-hygiene (audit|validate)/);
    }
  });

  it('the overview lists every command with its usage', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of COMMANDS) {
      expect(stdout).toMatch(new RegExp(`^  ${command.name}\\b`, 'm'));
      expect(stdout).toContain(command.summary);
    }
    expect(stdout).toContain('c1-hygiene <command> --help');
  });
});

describe('mistyped commands and flags', () => {
  it.each([
    [['adit'], /^unknown command "adit"; did you mean "audit"\? \(commands: audit, schedule, validate, demo, rules/],
    [['shedule'], /^unknown command "shedule"; did you mean "schedule"\?/],
    [['rule'], /^unknown command "rule"; did you mean "rules"\?/],
    [['frobnicate'], /^unknown command "frobnicate" \(commands: /],
    [['audit', '--dryrun'], /^unknown option --dryrun; did you mean --dry-run\?\nRun "c1-hygiene audit --help" for usage\.$/],
    [['audit', '--fial-on', 'high'], /^unknown option --fial-on; did you mean --fail-on\?/],
    [['audit', '--asof', '2026-01-01T00:00:00Z'], /^unknown option --asof; did you mean --as-of\?/],
    [['validate', '--confg', 'x.json'], /^unknown option --confg; did you mean --config\?/],
    [['demo', '--output', 'x'], /^unknown option --output; did you mean --output-dir\?/],
    [['rules', '--jsno'], /^unknown option --jsno; did you mean --json\?/],
    [['audit', '--xyzzy'], /^unknown option --xyzzy\n/],
    [['audit', '-x'], /^unknown option -x\n/],
    [['rules', '--config', 'x.json'], /^--config does not apply to "rules" \(it takes --json\)/],
    [['audit', 'now'], /^unexpected argument "now"\nRun "c1-hygiene audit --help"/],
    [['audit', '--config'], /argument missing/],
    [['rules', '--json=yes'], /does not take an argument/],
  ])('%j', async (argv, message) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ level: 50, name: 'c1-hygiene', code: 'USAGE' });
    expect(result.errorText).toMatch(message);
  });

  it('reads flags given before the command', async () => {
    const config = join(dir, 'before.json');
    await writeFile(config, '{}');
    const result = await runCli(['--config', config, 'validate'], { env: { C1_ACCESS_TOKEN: 'token-1234567890', C1_API_URL: 'https://acme.conductor.one' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`configuration is valid (${config})`);
  });

  it('edit distance counts insertions, deletions, substitutions and swaps', () => {
    expect(editDistance('dry-run', 'dry-run')).toBe(0);
    expect(editDistance('dryrun', 'dry-run')).toBe(1);
    expect(editDistance('fial-on', 'fail-on')).toBe(1);
    expect(editDistance('conifg', 'config')).toBe(1);
    expect(editDistance('', 'json')).toBe(4);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(nearest('xyzzy', ['config', 'as-of'])).toBeNull();
    expect(nearest('AUDIT', ['audit', 'demo'])).toBe('audit');
  });
});

/** A stream stand-in that keeps what is written. */
function sink(isTTY: boolean) {
  return {
    text: '',
    isTTY,
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
}

describe('errors on stderr', () => {

  it('off a terminal, an error is one pino-shaped JSON line; configuration errors carry every problem', async () => {
    const stdout = sink(false);
    const stderr = sink(false);
    const clock = () => new Date('2026-11-26T12:00:00Z');
    const code = await main(['validate'], { env: { C1_API_URL: 'http://c1.example.com' }, cwd: dir, stdout, stderr, clock });
    expect(code).toBe(2);
    expect(stdout.text).toBe('');
    const lines = stderr.text.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 50, time: '2026-11-26T12:00:00.000Z', name: 'c1-hygiene', code: 'CONFIG_INVALID' });
    expect(line.problems).toEqual([expect.objectContaining({ key: 'C1_API_URL' })]);
    expect(line.msg).toMatch(/^invalid configuration \(1 problem\):\n {2}- C1_API_URL: must use https:\/\//);
  });

  it('at a terminal, an error is a readable line', async () => {
    const stdout = sink(false);
    const stderr = sink(true);
    const code = await main(['adit'], { env: {}, cwd: dir, stdout, stderr, clock: () => new Date() });
    expect(code).toBe(2);
    expect(stderr.text).toBe('c1-hygiene: unknown command "adit"; did you mean "audit"? (commands: audit, schedule, validate, demo, rules, remediate)\nRun "c1-hygiene --help" for usage.\n');
  });
});

describe('the command table', () => {
  it('gives each flag name one meaning across commands, and every command its usage-error exit code', () => {
    expect(() => everyFlag(COMMANDS)).not.toThrow();
    for (const command of COMMANDS) expect(command.exitCodes.map(([code]) => code)).toContain(2);
    expect(new Set(COMMANDS.map((command) => command.name)).size).toBe(COMMANDS.length);
  });

  it('refuses a table where one flag name means two things', () => {
    const clash: CommandSpec = { ...COMMANDS[0]!, name: 'clash', flags: [{ name: 'dry-run', type: 'string', description: 'x' }] };
    expect(() => everyFlag([...COMMANDS, clash])).toThrow(/--dry-run is a boolean in one command and a string in another/);
  });

  it('a new command is one table entry: parsed, helped and loaded only when it runs', async () => {
    let loads = 0;
    const greet: CommandSpec = {
      name: 'greet',
      summary: 'Say hello.',
      description: 'Says hello to NAME.',
      flags: [{ name: 'name', type: 'string', value: 'NAME', description: 'who to greet', default: 'world' }],
      exitCodes: [[0, 'greeted'], [2, 'usage error']],
      load: async () => {
        loads += 1;
        return { run: async (flags, io) => (io.stdout.write(`hello ${String(flags.name ?? 'world')}\n`), 0) };
      },
    };
    const commands = [...COMMANDS, greet];
    const run = async (argv: string[]) => {
      const stdout = sink(false);
      const stderr = sink(false);
      const code = await main(argv, { env: {}, cwd: dir, stdout, stderr, clock: () => new Date() }, commands);
      return { code, stdout: stdout.text, stderr: stderr.text };
    };
    expect(await run(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('greet [--name NAME]') });
    expect(await run(['greet', '--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('who to greet (default: world)') });
    expect(await run(['greet', '--nmae', 'x'])).toMatchObject({ code: 2, stderr: expect.stringContaining('did you mean --name?') });
    expect(loads).toBe(0);
    expect(await run(['greet', '--name', 'Ada'])).toEqual({ code: 0, stdout: 'hello Ada\n', stderr: '' });
    expect(loads).toBe(1);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('README', () => {
  it('lists every command of the table', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const command of COMMANDS) expect(readme).toMatch(new RegExp(`^\\| \`c1-hygiene ${command.name}\\b`, 'm'));
  });
});
