import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConfigProblem } from '../errors.js';

/** Where the config file is looked for when `--config` is not given, relative to the working directory. */
export const DEFAULT_CONFIG_PATH = 'config/config.json';

/** The problem for an empty `--config`; the argument parser reports the same words. */
export const CONFIG_PATH_MISSING = '--config needs a file path';

export interface ConfigFileContent {
  /** Absolute path of the file read, or null when none was (default file absent, or unreadable). */
  source: string | null;
  /** The parsed JSON (not yet validated); `{}` when there is no file. */
  raw: unknown;
  problems: ConfigProblem[];
}

/**
 * Finds and parses the JSON file. A file named by `--config` must exist; the
 * default one is optional. Problems are keyed `--config` (the flag) or by the
 * default path, since they concern the file rather than a key in it.
 */
export async function readConfigFile(options: { configPath?: string | null; cwd: string }): Promise<ConfigFileContent> {
  const explicit = options.configPath !== undefined && options.configPath !== null;
  // `--config=` or `--config "$UNSET_VAR"` names no file: reading the default
  // one instead would audit with settings the operator did not choose.
  if (explicit && options.configPath?.trim() === '') {
    return { source: null, raw: {}, problems: [{ key: '--config', message: CONFIG_PATH_MISSING }] };
  }
  const given = options.configPath ?? DEFAULT_CONFIG_PATH;
  const path = resolve(options.cwd, given);
  const key = explicit ? '--config' : DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !explicit) return { source: null, raw: {}, problems: [] };
    const reason = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code ?? 'error'})`;
    return { source: null, raw: {}, problems: [{ key, message: `config file ${JSON.stringify(path)} ${reason}` }] };
  }
  // A BOM is what some editors on Windows put first; JSON.parse rejects it.
  text = text.replace(/^\uFEFF/, '');
  try {
    return { source: path, raw: JSON.parse(text), problems: [] };
  } catch (err) {
    return {
      source: path,
      raw: {},
      problems: [{ key, message: `config file ${JSON.stringify(path)} is not valid JSON: ${describeJsonError(err, text)}` }],
    };
  }
}

/**
 * V8's message, minus the excerpt of the file some versions quote (the file
 * could hold a secret pasted by mistake), plus line and column when V8 gives
 * a position.
 */
function describeJsonError(err: unknown, text: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const reason = (message.split(/, "|\s+in JSON|\s+after JSON/)[0] ?? message).replace(/\s*\(line \d+ column \d+\)$/, '');
  const position = /at position (\d+)/.exec(message);
  if (position?.[1] === undefined) return reason;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${reason} (line ${line}, column ${column})`;
}
