import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '../config/load.js';
import type { Environment } from '../config/env.js';
import { EXIT, HygieneError, type ExitCode } from '../errors.js';
import { errorCode, errorMessage, writeFileAtomic } from '../fs/atomic-write.js';
import type { ReportFormat } from './formats.js';
import { RENDERERS } from './render/index.js';
import { auditReportSchema } from './schema.js';
import type { AuditReport } from './types.js';
import { LATEST_NAME } from './write.js';

export interface ReportCommandOptions {
  /** `--input FILE`; null = `<report dir>/latest.json` from the configuration. */
  input: string | null;
  format: ReportFormat;
  /** `--output FILE`; null = stdout. */
  output: string | null;
  /** `--config FILE`, only read to find the report directory when there is no `--input`. */
  configPath: string | null;
}

export interface ReportCommandDependencies {
  env: Environment;
  cwd: string;
  /** Writes the rendering to stdout as is. */
  write: (text: string) => void;
  /** Prints one error line for a human. */
  printError: (text: string) => void;
}

/** A report this large was not written by the tool (100,000 keys make about 200 MB); refusing it keeps memory bounded. */
export const MAX_REPORT_BYTES = 1024 * 1024 * 1024;
const OUTPUT_FILE_MODE = 0o640;
const ISSUES_SHOWN = 5;

/**
 * `c1-hygiene report`: renders an existing JSON report in another format, to
 * stdout or atomically to a file. No network. An input that is not a report
 * of this tool is a usage error (exit 2) naming what is wrong.
 */
export async function runReportCommand(options: ReportCommandOptions, deps: ReportCommandDependencies): Promise<ExitCode> {
  try {
    const inputPath = options.input === null ? await defaultInput(options.configPath, deps) : resolve(deps.cwd, options.input);
    const report = await readReport(inputPath);
    const renderer = RENDERERS[options.format];
    if (options.output === null) {
      deps.write(renderer.render(report));
    } else {
      const outputPath = resolve(deps.cwd, options.output);
      try {
        // Streamed: the rendering is never held as one string next to the report.
        await writeFileAtomic(outputPath, renderer.chunks(report), { mode: OUTPUT_FILE_MODE });
      } catch (error) {
        throw new HygieneError('REPORT_WRITE_FAILED', `could not write ${outputPath}: ${errorMessage(error)}`, { cause: error });
      }
    }
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof HygieneError)) throw error;
    deps.printError(error.message);
    return error.exitCode;
  }
}

async function defaultInput(configPath: string | null, deps: ReportCommandDependencies): Promise<string> {
  const config = await loadConfig({ configPath, env: deps.env, cwd: deps.cwd });
  return join(config.report.dir, LATEST_NAME);
}

/** Reads and validates a JSON report; every way it can be wrong is a `REPORT_INPUT_INVALID` naming the file. */
export async function readReport(path: string): Promise<AuditReport> {
  const invalid = (why: string): HygieneError => new HygieneError('REPORT_INPUT_INVALID', `${path} is not a usable report: ${why}`, { details: { path } });
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw invalid('not a regular file');
    if (info.size > MAX_REPORT_BYTES) throw invalid(`it is ${info.size} bytes, more than the ${MAX_REPORT_BYTES} a report can have`);
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof HygieneError) throw error;
    throw invalid(errorCode(error) === 'ENOENT' ? 'no such file' : `cannot read it (${errorMessage(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw invalid(`not JSON (${errorMessage(error)})`);
  }
  const parsed = auditReportSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shown = issues.slice(0, ISSUES_SHOWN).map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
    const more = issues.length > ISSUES_SHOWN ? `; and ${issues.length - ISSUES_SHOWN} more` : '';
    throw invalid(`${shown.join('; ')}${more}`);
  }
  const { $schema: _schema, dryRun: _dryRun, ...report } = parsed.data;
  return report;
}

/** `['findings', 3, 'severity']` → `findings[3].severity`. */
function issuePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the whole document)';
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}${text ? '.' : ''}${String(part)}`), '');
}
