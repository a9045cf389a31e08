#!/usr/bin/env node
import { runAudit } from './audit/run-audit.js';
import { parseCommand, USAGE, type Command } from './cli/args.js';
import { systemClock } from './clock.js';
import { loadConfig, requireCredentials, validateConfig } from './config/load.js';
import type { AppConfig } from './config/types.js';
import { runDemo } from './demo/run-demo.js';
import { runRemediate } from './remediation/command.js';
import { ConfigError, EXIT, HygieneError, type ConfigProblem, type ExitCode } from './errors.js';
import { createLogger } from './logger.js';
import { runSchedule } from './schedule/run-schedule.js';
import { TOOL_NAME, TOOL_VERSION } from './version.js';

const print = (text: string): void => {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
};
const printError = (text: string): void => {
  process.stderr.write(`c1-hygiene: ${text}\n`);
};

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    printError((err as Error).message);
    return EXIT.usage;
  }
  switch (command.name) {
    case 'help':
      print(USAGE);
      return EXIT.ok;
    case 'version':
      print(`${TOOL_NAME} ${TOOL_VERSION}`);
      return EXIT.ok;
    case 'validate':
      return validate(command.configPath);
    case 'audit': {
      const config = await configOrExit(command.configPath);
      if (!config) return EXIT.usage;
      const logger = createLogger(config.logLevel);
      const result = await runAudit(
        { config, asOf: command.asOf, dryRun: command.dryRun, failOn: command.failOn },
        { logger, clock: systemClock, print },
      );
      if (result.error) printError(result.error.message);
      return result.exitCode;
    }
    case 'schedule': {
      const config = await configOrExit(command.configPath);
      if (!config) return EXIT.usage;
      const logger = createLogger(config.logLevel);
      let code: number;
      try {
        code = await runSchedule({
          schedule: config.schedule,
          logger,
          runAudit: () =>
            runAudit({ config, asOf: null, dryRun: false, failOn: null }, { logger, clock: systemClock, print }),
        });
      } catch (err) {
        // Refused before any audit ran: a bad schedule or a health port that is taken.
        if (!(err instanceof HygieneError)) throw err;
        printError(err.message);
        code = err.exitCode;
      }
      // An audit abandoned after the grace period (or a second signal) still holds
      // sockets and timers; waiting for them would break the bounded shutdown.
      await exitNow(code);
      return code;
    }
    case 'demo':
      return runDemo({ outputDir: command.outputDir, print, logLevel: process.env.LOG_LEVEL ?? 'warn' });
    case 'remediate':
      return runRemediate(command, { env: process.env, cwd: process.cwd(), clock: systemClock, print, printError });
  }
}

/**
 * The configuration of a command that talks to C1, credentials included, or
 * null after printing why not: a `schedule` without credentials must stop at
 * start, not fail on every tick.
 */
async function configOrExit(configPath: string | null): Promise<AppConfig | null> {
  try {
    const config = await loadConfig({ configPath, env: process.env, cwd: process.cwd() });
    requireCredentials(config);
    return config;
  } catch (err) {
    if (err instanceof HygieneError) {
      printError(err.message);
      return null;
    }
    throw err;
  }
}

async function validate(configPath: string | null): Promise<ExitCode> {
  const { config, problems } = await validateConfig({ configPath, env: process.env, cwd: process.cwd() });
  if (config) problems.push(...missingCredentials(config));
  if (problems.length > 0) {
    printError(new ConfigError(problems).message);
    return EXIT.usage;
  }
  print(`configuration is valid${config?.source ? ` (${config.source})` : ' (defaults and environment)'}`);
  return EXIT.ok;
}

/** Exits once stdout has been flushed, whatever is still pending in the event loop. */
function exitNow(code: number): Promise<never> {
  return new Promise(() => {
    process.stdout.write('', () => process.exit(code));
  });
}

/** An audit needs credentials; a config that loads without them is still not ready to run. */
function missingCredentials(config: AppConfig): ConfigProblem[] {
  try {
    requireCredentials(config);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // An error no stage turned into an outcome: a bug. Say so without dumping objects that might hold secrets.
    printError(`unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = EXIT.auditFailed;
  },
);
