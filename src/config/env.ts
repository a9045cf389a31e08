import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { clientIdProblem } from '../c1/credentials.js';
import type { ConfigProblem } from '../errors.js';
import { Secret } from '../secret.js';
import { channelUrlProblem, cronProblem, emailAddressProblem, logLevelProblem, normalizeApiUrl, smtpUrlProblem, timezoneProblem } from './checks.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** A value and the name of the variable it came from, so later checks can name it. */
export interface FromEnv<T> {
  value: T;
  key: string;
}

/**
 * The environment's settings, each checked on its own. Combinations (a
 * secret without a client ID, email half configured) are judged in `load.ts`,
 * where the file's values are known too.
 */
export interface EnvSettings {
  clientId?: FromEnv<string>;
  clientSecret?: FromEnv<Secret>;
  accessToken?: FromEnv<Secret>;
  /** Normalized (no trailing slash). */
  apiUrl?: FromEnv<string>;
  smtpUrl?: FromEnv<Secret>;
  emailTo?: FromEnv<string[]>;
  emailFrom?: FromEnv<string>;
  reportDir?: FromEnv<string>;
  stateDir?: FromEnv<string>;
  cron?: FromEnv<string>;
  timezone?: FromEnv<string>;
  logLevel?: FromEnv<string>;
  /** Checked URLs; each carries its credential, so it stays a Secret. */
  slackWebhookUrl?: FromEnv<Secret>;
  webhookUrl?: FromEnv<Secret>;
  webhookSecret?: FromEnv<Secret>;
}

/**
 * An empty variable counts as unset: container tooling often defines every
 * variable of a template, leaving the unused ones empty.
 */
function plain(env: Environment, key: string): FromEnv<string> | undefined {
  const value = env[key]?.trim();
  return value === undefined || value === '' ? undefined : { value, key };
}

/**
 * Reads `NAME` or the file named by `NAME_FILE` (relative to `cwd`), the
 * usual way to pass Docker/Kubernetes secrets. Problems name the variable and
 * the path, never the content.
 */
async function secretVariable(
  env: Environment,
  name: string,
  cwd: string,
  problems: ConfigProblem[],
): Promise<FromEnv<Secret> | undefined> {
  const fileName = `${name}_FILE`;
  const direct = plain(env, name);
  const file = plain(env, fileName);
  if (direct && file) {
    problems.push({ key: name, message: `both ${name} and ${fileName} are set; set only one` });
    return undefined;
  }
  if (direct) return { value: new Secret(direct.value), key: name };
  if (!file) return undefined;
  const path = resolve(cwd, file.value);
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const reason = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : `cannot be read (${code})`;
    problems.push({ key: fileName, message: `file ${JSON.stringify(path)} ${reason}` });
    return undefined;
  }
  // Files written by `echo` or an editor end with a newline that is not part of the secret.
  const value = content.replace(/[\r\n]+$/, '').trim();
  if (value === '') {
    problems.push({ key: fileName, message: `file ${JSON.stringify(path)} is empty` });
    return undefined;
  }
  return { value: new Secret(value), key: fileName };
}

function checked(
  setting: FromEnv<string> | undefined,
  check: (value: string) => string | null,
  problems: ConfigProblem[],
): FromEnv<string> | undefined {
  if (!setting) return undefined;
  const problem = check(setting.value);
  if (problem === null) return setting;
  problems.push({ key: setting.key, message: problem });
  return undefined;
}

/**
 * `ALERT_EMAIL_TO` is a comma list; blank items (`a@x, ,b@x`, a trailing
 * comma) are ignored. Entries are numbered as written, blanks included, so
 * "entry 3" is the third item the user typed. A variable that is set but
 * names nobody is an error rather than "unset": falling back to the file's
 * recipients would send alerts to people the operator meant to replace.
 */
function readEmailList(setting: FromEnv<string>, problems: ConfigProblem[]): FromEnv<string[]> | undefined {
  const entries = setting.value.split(',').map((text, index) => ({ address: text.trim(), position: index + 1 }));
  const addresses = entries.filter((entry) => entry.address !== '');
  if (addresses.length === 0) {
    problems.push({ key: setting.key, message: 'lists no address (only commas and spaces): name at least one, or unset it to use alerts.email.to' });
    return undefined;
  }
  let valid = true;
  for (const { address, position } of addresses) {
    const problem = emailAddressProblem(address);
    if (problem === null) continue;
    problems.push({ key: setting.key, message: `entry ${position} ${problem}` });
    valid = false;
  }
  return valid ? { value: addresses.map((entry) => entry.address), key: setting.key } : undefined;
}

/** Shortest accepted WEBHOOK_SECRET. */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;

/** A channel URL from `NAME` or `NAME_FILE`; a bad one is named by its variable, its value never shown. */
async function channelUrlVariable(
  env: Environment,
  name: string,
  cwd: string,
  problems: ConfigProblem[],
): Promise<FromEnv<Secret> | undefined> {
  const setting = await secretVariable(env, name, cwd, problems);
  if (!setting) return undefined;
  const problem = channelUrlProblem(setting.value.reveal());
  if (problem === null) return setting;
  problems.push({ key: setting.key, message: problem });
  return undefined;
}

export async function readEnvironment(env: Environment, cwd: string): Promise<{ settings: EnvSettings; problems: ConfigProblem[] }> {
  const problems: ConfigProblem[] = [];
  const settings: EnvSettings = {};

  settings.clientId = checked(plain(env, 'C1_CLIENT_ID'), clientIdProblem, problems);
  settings.clientSecret = await secretVariable(env, 'C1_CLIENT_SECRET', cwd, problems);
  settings.accessToken = await secretVariable(env, 'C1_ACCESS_TOKEN', cwd, problems);

  const apiUrl = plain(env, 'C1_API_URL');
  if (apiUrl) {
    const result = normalizeApiUrl(apiUrl.value);
    if (result.ok) settings.apiUrl = { value: result.url, key: apiUrl.key };
    else problems.push({ key: apiUrl.key, message: result.problem });
  }

  const smtpUrl = await secretVariable(env, 'SMTP_URL', cwd, problems);
  if (smtpUrl) {
    const problem = smtpUrlProblem(smtpUrl.value.reveal());
    if (problem === null) settings.smtpUrl = smtpUrl;
    else problems.push({ key: smtpUrl.key, message: problem });
  }

  const emailTo = plain(env, 'ALERT_EMAIL_TO');
  if (emailTo) {
    const recipients = readEmailList(emailTo, problems);
    if (recipients) settings.emailTo = recipients;
  }
  settings.emailFrom = checked(
    plain(env, 'ALERT_EMAIL_FROM'),
    (value) => emailAddressProblem(value, { allowDisplayName: true }),
    problems,
  );

  settings.slackWebhookUrl = await channelUrlVariable(env, 'SLACK_WEBHOOK_URL', cwd, problems);
  settings.webhookUrl = await channelUrlVariable(env, 'WEBHOOK_URL', cwd, problems);
  settings.webhookSecret = await secretVariable(env, 'WEBHOOK_SECRET', cwd, problems);
  if (settings.webhookSecret && Array.from(settings.webhookSecret.value.reveal()).length < MIN_WEBHOOK_SECRET_LENGTH) {
    problems.push({
      key: settings.webhookSecret.key,
      message: `must be at least ${MIN_WEBHOOK_SECRET_LENGTH} characters (a random value, e.g. from \`openssl rand -hex 32\`): a short key can be guessed from one signed delivery`,
    });
    settings.webhookSecret = undefined;
  }

  settings.reportDir = plain(env, 'REPORT_DIR');
  settings.stateDir = plain(env, 'STATE_DIR');
  settings.cron = checked(plain(env, 'AUDIT_CRON'), cronProblem, problems);
  settings.timezone = checked(plain(env, 'AUDIT_TIMEZONE'), timezoneProblem, problems);
  settings.logLevel = checked(plain(env, 'LOG_LEVEL'), logLevelProblem, problems);

  return { settings, problems };
}
