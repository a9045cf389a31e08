import { createMailer } from '../alerts/transport.js';
import { safeError } from '../audit/alerting.js';
import type { Clock } from '../clock.js';
import type { Environment } from '../config/env.js';
import { loadConfig } from '../config/load.js';
import type { AppConfig } from '../config/types.js';
import { EXIT, HygieneError, type ExitCode } from '../errors.js';
import { createLogger, type Logger } from '../logger.js';
import { applyPlan, type ApplyResult } from './apply.js';
import { composeRemediationMail } from './mail.js';
import { makePlan } from './make-plan.js';
import { NO_RULES_MESSAGE, renderApplyResult, renderPlan } from './render.js';

/** `c1-hygiene remediate` as parsed from the command line. */
export interface RemediateOptions {
  configPath: string | null;
  /** `--plan-out FILE`: where the plan goes (default `<report dir>/remediation-plan-<ts>.json`). */
  planOut: string | null;
  /** `--apply PLAN`: apply that plan instead of making one. */
  apply: string | null;
}

export interface RemediateDeps {
  /** Usually `process.env`. */
  env: Environment;
  cwd: string;
  clock: Clock;
  /** The human output (stdout). */
  print: (text: string) => void;
  /** One error line for a person (stderr). */
  printError: (text: string) => void;
  /** Default: JSON lines at the configured level to `logDestination`. */
  logger?: Logger;
  /** Where the default logger writes; default the process's stderr. */
  logDestination?: Parameters<typeof createLogger>[1];
}

/**
 * The `remediate` command. Without `--apply` it makes and prints a plan (the
 * dry run: nothing is deleted); with `--apply PLAN` it applies exactly that
 * plan. Returns the exit code: 0 done; 2 usage, configuration, or a refused
 * plan (nothing deleted); 3 C1 unreachable, or some deletion failed, or the
 * record could not be written; 4 deletions done and recorded, but the
 * message about them could not be delivered.
 */
export async function runRemediate(options: RemediateOptions, deps: RemediateDeps): Promise<ExitCode> {
  if (options.apply !== null && options.planOut !== null) {
    deps.printError('--plan-out makes a plan and --apply applies one; give only one of them\nRun "c1-hygiene --help" for usage.');
    return EXIT.usage;
  }
  let config: AppConfig;
  try {
    config = await loadConfig({ configPath: options.configPath, env: deps.env, cwd: deps.cwd });
  } catch (error) {
    return failed(error, deps);
  }
  const logger = deps.logger ?? createLogger(config.logLevel, deps.logDestination);
  try {
    if (options.apply === null) return await plan(config, options.planOut, logger, deps);
    return await apply(config, options.apply, logger, deps);
  } catch (error) {
    if (error instanceof HygieneError) logger.error({ error: safeError(error) }, 'remediate failed; nothing was deleted');
    return failed(error, deps);
  }
}

async function plan(config: AppConfig, planOut: string | null, logger: Logger, deps: RemediateDeps): Promise<ExitCode> {
  const result = await makePlan({ config, planOut, cwd: deps.cwd }, { logger, clock: deps.clock });
  if (result.kind === 'no-rules') {
    deps.print(NO_RULES_MESSAGE);
    return EXIT.ok;
  }
  deps.print(renderPlan(result.plan, result.path, result.notes));
  return EXIT.ok;
}

async function apply(config: AppConfig, planPath: string, logger: Logger, deps: RemediateDeps): Promise<ExitCode> {
  const result = await applyPlan({ config, planPath, cwd: deps.cwd }, { logger, clock: deps.clock });
  deps.print(renderApplyResult(result));
  const mailed = await mailResult(config, result, logger);
  if (result.record.summary.failed > 0 || result.recordError !== null) return EXIT.auditFailed;
  return mailed ? EXIT.ok : EXIT.alertDeliveryFailed;
}

/**
 * One message about the apply to `alerts.email.to`, when e-mail is
 * configured and something was planned. Returns false only when a message
 * was due and not delivered (it is not retried later: the record file holds
 * the same facts).
 */
async function mailResult(config: AppConfig, result: ApplyResult, logger: Logger): Promise<boolean> {
  const email = config.alerts.email;
  if (result.record.keys.length === 0 || email.smtpUrl === null || email.from === null || email.to.length === 0) return true;
  const mailer = createMailer(email, logger);
  if (mailer === null) return true;
  try {
    const message = composeRemediationMail({ record: result.record, recordPath: result.recordPath, from: email.from, to: email.to });
    const sent = await mailer.send(message);
    logger.info({ messageId: sent.messageId, recipients: sent.accepted.length }, 'remediation message delivered');
    return true;
  } catch (error) {
    logger.error({ error: safeError(error) }, 'remediation message not delivered; the record file lists the same');
    return false;
  } finally {
    mailer.close();
  }
}

function failed(error: unknown, deps: RemediateDeps): ExitCode {
  if (!(error instanceof HygieneError)) throw error;
  deps.printError(error.message);
  return error.exitCode;
}
