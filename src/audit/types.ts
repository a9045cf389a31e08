import type { ExitCode } from '../errors.js';
import type { AuditReport } from '../report/types.js';

/** What one audit run ended with; `schedule` and metrics read it, the CLI exits with `exitCode`. */
export interface AuditOutcome {
  exitCode: ExitCode;
  /** 'ok' | 'findings' (ok, but --fail-on hit) | 'failed' | 'alert-failed' */
  status: 'ok' | 'findings' | 'failed' | 'alert-failed';
  /** The report, when the audit got that far. */
  report: AuditReport | null;
  /** Where the report was written (null for --dry-run or failure). */
  reportPath: string | null;
  /** The error that failed the audit, if any (message is safe to print). */
  error: Error | null;
  startedAt: Date;
  finishedAt: Date;
}

/** Runs one audit; `schedule` receives one of these so it never reaches into the stages. */
export type AuditRunner = () => Promise<AuditOutcome>;
