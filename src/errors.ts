/**
 * Errors callers can branch on by `code`, each tied to the exit code the
 * contract gives it. Messages name what was wrong and never carry a secret.
 */
export const EXIT = {
  ok: 0,
  findingsAtOrAboveFailOn: 1,
  usage: 2,
  auditFailed: 3,
  alertDeliveryFailed: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type ErrorCode =
  | 'USAGE'
  | 'CONFIG_INVALID'
  | 'C1_CREDENTIALS_INVALID'
  | 'C1_AUTH_FAILED'
  | 'C1_FORBIDDEN'
  | 'C1_NOT_FOUND'
  | 'C1_HTTP_ERROR'
  | 'C1_NETWORK'
  | 'C1_TIMEOUT'
  | 'C1_TLS'
  | 'C1_BAD_RESPONSE'
  | 'C1_PAGINATION'
  | 'C1_TOO_MANY_KEYS'
  | 'REPORT_WRITE_FAILED'
  | 'REPORT_INPUT_INVALID'
  | 'STATE_READ_FAILED'
  | 'STATE_WRITE_FAILED'
  | 'ALERT_DELIVERY_FAILED'
  | 'HEALTH_LISTEN_FAILED'
  | 'RUN_LOCKED'
  | 'LISTING_TOO_LARGE'
  | 'SMTP_TIMEOUT'
  | 'REMEDIATION_PLAN_REFUSED'
  | 'REMEDIATION_WRITE_FAILED';

const EXIT_BY_CODE: Record<ErrorCode, ExitCode> = {
  USAGE: EXIT.usage,
  CONFIG_INVALID: EXIT.usage,
  C1_CREDENTIALS_INVALID: EXIT.usage,
  C1_AUTH_FAILED: EXIT.auditFailed,
  C1_FORBIDDEN: EXIT.auditFailed,
  C1_NOT_FOUND: EXIT.auditFailed,
  C1_HTTP_ERROR: EXIT.auditFailed,
  C1_NETWORK: EXIT.auditFailed,
  C1_TIMEOUT: EXIT.auditFailed,
  C1_TLS: EXIT.auditFailed,
  C1_BAD_RESPONSE: EXIT.auditFailed,
  C1_PAGINATION: EXIT.auditFailed,
  // c1.maxKeys: a listing larger than the operator allows is stopped before it exhausts memory.
  C1_TOO_MANY_KEYS: EXIT.auditFailed,
  REPORT_WRITE_FAILED: EXIT.auditFailed,
  // `report --input` given something that is not a report: the user's to fix, nothing was fetched.
  REPORT_INPUT_INVALID: EXIT.usage,
  STATE_READ_FAILED: EXIT.auditFailed,
  STATE_WRITE_FAILED: EXIT.auditFailed,
  ALERT_DELIVERY_FAILED: EXIT.alertDeliveryFailed,
  // The health port is taken or not allowed: an environment/configuration problem, found before any audit.
  HEALTH_LISTEN_FAILED: EXIT.usage,
  // Another run holds the state directory: this run did nothing, and says so with the audit-failed code.
  RUN_LOCKED: EXIT.auditFailed,
  // A listing beyond a configured bound (keys, page token size, bytes): stopped before memory runs out.
  LISTING_TOO_LARGE: EXIT.auditFailed,
  SMTP_TIMEOUT: EXIT.alertDeliveryFailed,
  // A plan that is stale, edited, or for another tenant or scope: refused before anything is deleted.
  REMEDIATION_PLAN_REFUSED: EXIT.usage,
  REMEDIATION_WRITE_FAILED: EXIT.auditFailed,
};

export class HygieneError extends Error {
  readonly code: ErrorCode;
  /** Extra machine-readable facts (HTTP status, field name…); never secrets. */
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HygieneError';
    this.code = code;
    this.details = options.details ?? {};
  }

  get exitCode(): ExitCode {
    return EXIT_BY_CODE[this.code];
  }
}

/** One problem in the configuration, named by its dotted key path or env variable. */
export interface ConfigProblem {
  key: string;
  message: string;
}

/** All configuration problems at once, so a user fixes them in one pass. */
export class ConfigError extends HygieneError {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super('CONFIG_INVALID', formatProblems(problems), { details: { problems } });
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function formatProblems(problems: ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.key}: ${p.message}`);
  return `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}
