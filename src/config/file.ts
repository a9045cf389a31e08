import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ConfigProblem } from '../errors.js';
import { findJsonSyntaxError, lineAndColumn } from './json-syntax.js';

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
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return {
      source: path,
      raw: {},
      problems: [{ key, message: `config file ${JSON.stringify(path)} is not valid JSON: ${describeJsonError(text)}` }],
    };
  }
  const unsafe = unsafeStructureProblems(raw);
  return unsafe.length > 0 ? { source: path, raw: {}, problems: unsafe } : { source: path, raw, problems: [] };
}

/**
 * Only our own words and the position: V8's message quotes the text around
 * the error, and a config file may hold a secret pasted by mistake.
 */
function describeJsonError(text: string): string {
  const error = findJsonSyntaxError(text);
  if (error === null) return 'a syntax error (position unknown)';
  const { line, column } = lineAndColumn(text, error.offset);
  return `${error.reason} at line ${line}, column ${column}`;
}

/** Deeper than any real configuration; refused before validation walks it. */
export const MAX_CONFIG_DEPTH = 32;

/**
 * Keys JSON.parse keeps as own properties but that mean something else to
 * JavaScript objects (`__proto__`), and nesting beyond `MAX_CONFIG_DEPTH`.
 * Walked iteratively; problems name the key path, never a value.
 */
export function unsafeStructureProblems(raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: raw, path: '', depth: 0 }];
  while (stack.length > 0 && problems.length < 20) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_CONFIG_DEPTH) {
      problems.push({ key: path || '(file)', message: `nested deeper than ${MAX_CONFIG_DEPTH} levels` });
      continue;
    }
    const entries = Array.isArray(value) ? value.map((item, index) => [`[${index}]`, item] as const) : Object.entries(value);
    for (const [name, child] of entries) {
      const childPath = Array.isArray(value) ? `${path}${name}` : path ? `${path}.${name}` : name;
      if (name === '__proto__' || (!Array.isArray(value) && (name === 'constructor' || name === 'prototype'))) {
        problems.push({ key: childPath, message: `"${name}" is not allowed as a key` });
        continue;
      }
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return problems;
}
