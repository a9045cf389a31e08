import type { Clock } from '../clock.js';
import type { Environment } from '../config/env.js';
import { ConfigError, HygieneError } from '../errors.js';

/** Anything text can be written to: a process stream, a pino destination, a test's buffer. */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * Everything a command reads from or does to the outside world, passed in so
 * the CLI runs the same in its own process and inside a test.
 */
export interface CliIo {
  /** Usually `process.env`; commands never read `process.env` themselves. */
  env: Environment;
  /** Relative paths (config file, `*_FILE`, output directories) resolve against it. */
  cwd: string;
  /** The human summary, help, reports printed with `--dry-run`. */
  stdout: TextSink;
  /**
   * JSON log lines. Error messages go here too: as pino-shaped JSON lines, or
   * as one readable `c1-hygiene: …` line when a person is watching (`isTTY`).
   */
  stderr: TextSink & { readonly isTTY?: boolean };
  clock: Clock;
  /** Where SIGTERM/SIGINT arrive for `schedule`; default `process`. */
  signals?: NodeJS.EventEmitter;
  /**
   * Ends the process at once once stdout is flushed. `schedule` calls it
   * after stopping: an audit abandoned after its grace period still holds
   * sockets and timers. In-process callers leave it out and get the code back.
   */
  exitNow?: (code: number) => Promise<never>;
}

const LOG_NAME = 'c1-hygiene';
/** pino's number for `error`, so these lines sort and filter with the log's own. */
const ERROR_LEVEL = 50;

export function printLine(sink: TextSink, text: string): void {
  sink.write(text.endsWith('\n') ? text : `${text}\n`);
}

/**
 * Reports an error that ends a command. Logs are JSON lines on stderr and
 * scripts parse them, so a non-terminal gets the message as one more JSON
 * line (with the error code and, for configuration errors, every problem);
 * a person at a terminal gets a readable line.
 */
export function printError(io: Pick<CliIo, 'stderr' | 'clock'>, error: HygieneError | string): void {
  const message = typeof error === 'string' ? error : error.message;
  if (io.stderr.isTTY) {
    printLine(io.stderr, `${LOG_NAME}: ${message}`);
    return;
  }
  const fields: Record<string, unknown> = { level: ERROR_LEVEL, time: io.clock().toISOString(), name: LOG_NAME };
  if (error instanceof HygieneError) fields.code = error.code;
  if (error instanceof ConfigError) fields.problems = error.problems;
  fields.msg = message;
  printLine(io.stderr, JSON.stringify(fields));
}
