import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { main } from '../../src/cli/main.js';
import { systemClock } from '../../src/clock.js';

export const CLI_PATH = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface InProcessResult extends CliResult {
  code: number;
  /** stderr's JSON lines, parsed. */
  logs: Record<string, unknown>[];
  /** The error-level lines (level ≥ 50): the log's errors and the CLI's own error messages. */
  errors: (Record<string, unknown> & { msg: string })[];
  /** The messages of `errors`, one a line, as a person would read them. */
  errorText: string;
}

export interface CliRunOptions {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
}

/** Collects what a command writes to one of its streams. */
class TextBuffer {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/**
 * Runs the CLI in this process through its entry point (`src/cli/main.ts`):
 * the same parsing, loading and commands as the executable, without a Node
 * start per run. The environment is exactly `env` (plus LOG_LEVEL=info), so a
 * developer's own C1 variables never leak into a test. Asserts that stderr
 * holds nothing but JSON lines, as the contract promises scripts.
 */
export async function runCli(args: string[], options: CliRunOptions = {}): Promise<InProcessResult> {
  const stdout = new TextBuffer();
  const stderr = new TextBuffer();
  const code = await main(args, {
    env: { LOG_LEVEL: 'info', ...options.env },
    cwd: options.cwd ?? process.cwd(),
    stdout,
    stderr,
    clock: systemClock,
  });
  const lines = logLines(stderr.text);
  expect(lines.filter((line) => 'text' in line), 'stderr lines that are not JSON').toEqual([]);
  const errors = lines.filter((line): line is InProcessResult['errors'][number] => typeof line.level === 'number' && line.level >= 50 && typeof line.msg === 'string');
  return { code, stdout: stdout.text, stderr: stderr.text, logs: lines, errors, errorText: errors.map((line) => line.msg).join('\n') };
}

/**
 * Runs the built CLI as a child process, the way users and cron do: for the
 * few smoke tests of the executable itself. The environment is exactly `env`
 * plus PATH.
 */
export function launchCli(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run "npm run build" first (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Parses pino's JSON lines on stderr; non-JSON lines (a terminal's readable error line) are kept as `{ text }`. */
export function logLines(stderr: string): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return { text: line };
      }
    });
}
