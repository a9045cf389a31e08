import { resolve } from 'node:path';
import { clientSecretProblem, parseClientId } from '../c1/credentials.js';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { redactSecrets, secretUrlForms } from '../redact.js';
import type { Secret } from '../secret.js';
import { normalizeApiUrl, parseSuppressionExpiry } from './checks.js';
import { configFileDefaults, setsNothing } from './defaults.js';
import { readEnvironment, type EnvSettings, type Environment, type FromEnv } from './env.js';
import { readConfigFile } from './file.js';
import type { ConfigFile, configFileSchema } from './schema.js';
import type { AppConfig, C1Credentials } from './types.js';

export interface LoadConfigOptions {
  /** `--config FILE`; null/undefined = `config/config.json` when present. Relative to `cwd`. */
  configPath?: string | null;
  /** Usually `process.env`; nothing reads `process.env` itself. */
  env: Environment;
  /** Relative paths (config file, *_FILE, report and state dirs) resolve against it. */
  cwd: string;
  /**
   * Also report missing credentials, in the same pass as every other problem
   * (`validate`, and commands that talk to C1). Off by default: `demo` brings
   * its own credentials.
   */
  requireCredentials?: boolean;
}

export interface ConfigValidation {
  /** null whenever there is at least one problem. */
  config: AppConfig | null;
  problems: ConfigProblem[];
}

const DEFAULT_LOG_LEVEL = 'info';

/**
 * Loads and checks everything without network and without throwing for
 * configuration problems, so `validate` can print every problem at once.
 */
export async function validateConfig(options: LoadConfigOptions): Promise<ConfigValidation> {
  const file = await readConfigFile(options);
  const checked = await checkFileSettings(file.raw);
  const env = await readEnvironment(options.env, options.cwd);
  const problems = [...file.problems, ...checked.problems, ...env.problems];
  const fileConfig = checked.settings;
  const resolved = resolveConfig(fileConfig, env.settings, options.cwd, file.source);
  // A client ID that was given but rejected (or sits in a file section that
  // could not be read) is already reported; "there is no client ID" on top of
  // that would send the reader looking for the wrong fix.
  const c1Unknown = file.problems.length > 0 || problems.some((p) => p.key === 'C1_CLIENT_ID' || p.key === 'c1' || p.key.startsWith('c1.'));
  problems.push(...resolved.problems.filter((p) => !(c1Unknown && p.key === 'C1_CLIENT_ID')));
  // Missing credentials are one more problem of the same pass, unless a
  // credential setting already has one (then that is the thing to fix).
  if (options.requireCredentials && !c1Unknown && !problems.some((p) => CREDENTIAL_KEYS.has(p.key))) {
    problems.push(...missingCredentials(resolved.config));
  }

  const { clientSecret, accessToken, smtpUrl, slackWebhookUrl, webhookUrl, webhookSecret } = env.settings;
  const secrets = [
    ...[clientSecret, accessToken, smtpUrl].flatMap((s) => (s ? secretTexts(s.value) : [])),
    ...[slackWebhookUrl, webhookUrl].flatMap((s) => (s ? secretUrlForms(s.value.reveal()) : [])),
    ...(webhookSecret ? [webhookSecret.value.reveal()] : []),
  ];
  const safeProblems = problems.map((problem) => ({ key: problem.key, message: redactSecrets(problem.message, secrets) }));
  return { config: safeProblems.length === 0 ? resolved.config : null, problems: safeProblems };
}

/** Like `validateConfig`, but throws one `ConfigError` listing every problem. */
export async function loadConfig(options: LoadConfigOptions): Promise<AppConfig> {
  const { config, problems } = await validateConfig(options);
  if (config === null || problems.length > 0) throw new ConfigError(problems);
  return config;
}

/**
 * The credentials an audit needs. Loading allows none (`validate` and `demo`
 * do without), so commands that talk to C1 call this first.
 */
export function requireCredentials(config: AppConfig): C1Credentials {
  if (config.credentials !== null && config.c1.apiUrl !== null) return config.credentials;
  throw new ConfigError(missingCredentials(config));
}

/** The settings a credential problem can be about; a problem with one of them makes "missing credentials" redundant. */
const CREDENTIAL_KEYS = new Set([
  'C1_CLIENT_ID',
  'C1_CLIENT_SECRET',
  'C1_CLIENT_SECRET_FILE',
  'C1_ACCESS_TOKEN',
  'C1_ACCESS_TOKEN_FILE',
  'C1_API_URL',
]);

/** What is missing for a command that talks to C1 (nothing when credentials and an API URL are there). */
function missingCredentials(config: AppConfig): ConfigProblem[] {
  if (config.credentials !== null && config.c1.apiUrl !== null) return [];
  const problems: ConfigProblem[] = [];
  if (config.credentials === null) {
    if (config.c1.clientId === null) {
      problems.push({
        key: 'C1_CLIENT_ID',
        message:
          'no C1 credentials: set C1_CLIENT_ID (or c1.clientId) and C1_CLIENT_SECRET (or C1_CLIENT_SECRET_FILE) to a personal API key, or set C1_ACCESS_TOKEN (or C1_ACCESS_TOKEN_FILE) and C1_API_URL',
      });
    }
    problems.push({
      key: 'C1_CLIENT_SECRET',
      message: 'no client secret: set C1_CLIENT_SECRET or C1_CLIENT_SECRET_FILE (the secret of the personal API key)',
    });
  } else {
    problems.push({ key: 'C1_API_URL', message: 'no C1 API URL: set C1_API_URL (or c1.apiUrl), or C1_CLIENT_ID to derive it' });
  }
  return problems;
}

/**
 * The file's settings with defaults applied, and the schema's problems with
 * it. The schema (and the library behind it) is loaded only when the file
 * sets something: a run configured by the environment alone starts without it.
 */
async function checkFileSettings(raw: unknown): Promise<{ settings: ConfigFile; problems: ConfigProblem[] }> {
  if (setsNothing(raw)) return { settings: configFileDefaults(), problems: [] };
  const [{ configFileSchema: schema }, { problemsFromIssues }] = await Promise.all([import('./schema.js'), import('./problems.js')]);
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { settings: parsed.data, problems: [] };
  // With a broken file, go on with its sections that are valid on their own
  // (defaults for the rest), so the combinations are still checked and
  // reported in the same pass.
  return { settings: validSections(schema, raw), problems: problemsFromIssues(schema, parsed.error.issues) };
}

/**
 * The file's top-level sections that are valid on their own, with defaults
 * for the rest; all defaults when even that combination does not parse.
 */
function validSections(schema: typeof configFileSchema, raw: unknown): ConfigFile {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const kept = Object.fromEntries(Object.entries(raw).filter(([key, value]) => schema.safeParse({ [key]: value }).success));
    const combined = schema.safeParse(kept);
    if (combined.success) return combined.data;
  }
  return configFileDefaults();
}

interface Resolved {
  config: AppConfig;
  problems: ConfigProblem[];
}

/** Puts the environment on top of the file and judges the combinations neither source can judge alone. */
function resolveConfig(file: ConfigFile, env: EnvSettings, cwd: string, source: string | null): Resolved {
  const problems: ConfigProblem[] = [];
  const clientId = env.clientId ?? fromFile(file.c1.clientId, 'c1.clientId');
  const credentials = resolveCredentials(clientId, env, problems);
  const apiUrl = resolveApiUrl(file, env, clientId);
  if (credentials?.kind === 'access-token' && apiUrl === null) {
    problems.push({
      key: 'C1_API_URL',
      message: 'an access token needs the API URL: set C1_API_URL (or c1.apiUrl), or C1_CLIENT_ID so it can be derived',
    });
  }

  const email = file.alerts.email;
  const to = env.emailTo ?? { value: email.to, key: 'alerts.email.to' };
  const from = env.emailFrom ?? fromFile(email.from, 'alerts.email.from');
  const smtpUrl = env.smtpUrl;
  checkEmailComplete(to, from, smtpUrl, problems);
  if (file.alerts.routeToOwners && !smtpUrl) {
    problems.push({
      key: 'alerts.routeToOwners',
      message: 'is true but e-mail is not configured: set SMTP_URL (or SMTP_URL_FILE), ALERT_EMAIL_TO and ALERT_EMAIL_FROM',
    });
  }
  if (env.webhookSecret && !env.webhookUrl) {
    problems.push({
      key: env.webhookSecret.key,
      message: `${env.webhookSecret.key} is set but there is no webhook: set WEBHOOK_URL or WEBHOOK_URL_FILE, or unset it`,
    });
  }

  const config: AppConfig = {
    source,
    c1: {
      clientId: clientId?.value ?? null,
      apiUrl,
      timeoutMs: file.c1.timeoutMs,
      maxRetries: file.c1.maxRetries,
      scope: env.scope?.value ?? file.c1.scope,
      maxKeys: file.c1.maxKeys,
      pageSize: file.c1.pageSize,
      maxPages: file.c1.maxPages,
      maxResponseBytes: file.c1.maxResponseBytes,
      maxPageTokenBytes: file.c1.maxPageTokenBytes,
      maxListingBytes: file.c1.maxListingBytes,
    },
    credentials,
    rules: {
      options: {
        expiringSoon: { ...file.rules.expiringSoon },
        unused: { ...file.rules.unused },
        broadCidr: { ...file.rules.broadCidr },
        broadRoles: { roles: [...file.rules.broadRoles.roles] },
        longLived: { ...file.rules.longLived },
      },
      disabled: [...file.rules.disabled],
      severity: { ...file.rules.severity },
    },
    suppressions: file.suppressions.map((s) => ({
      rule: s.rule,
      credential: s.credential.trim(),
      reason: s.reason.trim(),
      expires: s.expires ? parseSuppressionExpiry(s.expires) : null,
    })),
    report: {
      dir: resolve(cwd, env.reportDir?.value ?? file.report.dir),
      keep: file.report.keep,
      formats: [...new Set(file.report.formats)],
      publicUrl: file.report.publicUrl ?? null,
    },
    alerts: {
      minSeverity: file.alerts.minSeverity,
      renotifyAfterDays: file.alerts.renotifyAfterDays,
      email: {
        to: to.value,
        from: from?.value ?? null,
        smtpUrl: smtpUrl?.value ?? null,
        timeoutMs: email.timeoutMs,
        retries: email.retries,
      },
      routeToOwners: file.alerts.routeToOwners,
      ownerDomains: (file.alerts.ownerDomains ?? []).map((domain) => domain.toLowerCase()),
      slack: { ...file.alerts.slack, webhookUrl: env.slackWebhookUrl?.value ?? null },
      webhook: { ...file.alerts.webhook, url: env.webhookUrl?.value ?? null, secret: env.webhookSecret?.value ?? null },
    },
    state: { dir: resolve(cwd, env.stateDir?.value ?? file.state.dir) },
    schedule: {
      cron: env.cron?.value ?? file.schedule.cron,
      timezone: env.timezone?.value ?? file.schedule.timezone,
      runOnStart: file.schedule.runOnStart,
      shutdownGraceSeconds: file.schedule.shutdownGraceSeconds,
      healthPort: file.schedule.healthPort,
      healthHost: file.schedule.healthHost,
    },
    remediation: { rules: [...file.remediation.rules], maxDeletes: file.remediation.maxDeletes },
    logLevel: env.logLevel?.value ?? DEFAULT_LOG_LEVEL,
  };
  return { config, problems };
}

function fromFile<T>(value: T | undefined, key: string): FromEnv<T> | undefined {
  return value === undefined ? undefined : { value, key };
}

function resolveCredentials(
  clientId: FromEnv<string> | undefined,
  env: EnvSettings,
  problems: ConfigProblem[],
): C1Credentials | null {
  const { clientSecret, accessToken } = env;
  if (clientSecret && accessToken) {
    problems.push({
      key: accessToken.key,
      message: `both a client secret (${clientSecret.key}) and an access token (${accessToken.key}) are set; set only one`,
    });
    return null;
  }
  if (clientSecret) {
    const problem = clientSecretProblem(clientSecret.value);
    if (problem !== null) problems.push({ key: clientSecret.key, message: `client secret ${problem}` });
    if (!clientId) {
      problems.push({
        key: 'C1_CLIENT_ID',
        message: `${clientSecret.key} is set but there is no client ID: set C1_CLIENT_ID (or c1.clientId) to the key's client ID`,
      });
      return null;
    }
    return { kind: 'client-key', clientId: clientId.value, clientSecret: clientSecret.value };
  }
  if (accessToken) {
    // The token goes into an HTTP header as is; white space or control
    // characters would break the header or smuggle another one in.
    if (/[\s\p{Cc}]/u.test(accessToken.value.reveal())) {
      problems.push({
        key: accessToken.key,
        message: 'access token must be a single token without white space or control characters (and without a "Bearer " prefix)',
      });
    }
    return { kind: 'access-token', accessToken: accessToken.value };
  }
  return null;
}

/** Explicit URL (environment, then file), else the tenant host of the client ID. */
function resolveApiUrl(file: ConfigFile, env: EnvSettings, clientId: FromEnv<string> | undefined): string | null {
  if (env.apiUrl) return env.apiUrl.value;
  if (file.c1.apiUrl !== undefined) {
    const result = normalizeApiUrl(file.c1.apiUrl);
    // An invalid file URL was already reported by the schema.
    return result.ok ? result.url : null;
  }
  if (!clientId) return null;
  try {
    return `https://${parseClientId(clientId.value).tenantHost}`;
  } catch {
    return null; // already reported against the client ID's key
  }
}

/** Email is all or nothing: a half-configured mailer would silently never send. */
function checkEmailComplete(
  to: FromEnv<string[]>,
  from: FromEnv<string> | undefined,
  smtpUrl: FromEnv<Secret> | undefined,
  problems: ConfigProblem[],
): void {
  if (smtpUrl) {
    if (to.value.length === 0) {
      problems.push({
        key: 'ALERT_EMAIL_TO',
        message: `${smtpUrl.key} is set but there are no recipients: set ALERT_EMAIL_TO or alerts.email.to`,
      });
    }
    if (!from) {
      problems.push({
        key: 'ALERT_EMAIL_FROM',
        message: `${smtpUrl.key} is set but there is no sender: set ALERT_EMAIL_FROM or alerts.email.from`,
      });
    }
  } else if (to.value.length > 0) {
    problems.push({
      key: 'SMTP_URL',
      message: `recipients are set (${to.key}) but no SMTP server: set SMTP_URL or SMTP_URL_FILE, or remove the recipients`,
    });
  }
}

/**
 * A last line of defence: messages are written never to quote a secret, but
 * if one ever did, it is blanked here before anything prints it.
 */
function secretTexts(secret: Secret): string[] {
  const value = secret.reveal();
  const texts = [value];
  try {
    const password = new URL(value).password;
    if (password !== '') texts.push(password);
    // Separately: a malformed %-escape throws here and must not lose the raw password above.
    if (password !== '') texts.push(decodeURIComponent(password));
  } catch {
    // not a URL (or an undecodable password): what was collected is all that is known
  }
  // Too-short values are left to `redactSecrets`' own minimum length.
  return texts;
}
