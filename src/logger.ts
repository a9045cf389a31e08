import { pino, type Logger, type DestinationStream } from 'pino';
import { REDACTED } from './redact.js';

export type { Logger };

/**
 * Paths pino blanks out wherever they appear in a log object. Secrets are
 * also wrapped in `Secret`, which prints as a placeholder; this list is the
 * second line of defence for values that arrive as plain strings (headers,
 * form bodies, URLs with credentials).
 */
const REDACT_PATHS = [
  'clientSecret',
  '*.clientSecret',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'client_assertion',
  '*.client_assertion',
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'password',
  '*.password',
  'pass',
  '*.pass',
  'smtpUrl',
  '*.smtpUrl',
  'token',
  '*.token',
  'webhookUrl',
  '*.webhookUrl',
  'webhookSecret',
  '*.webhookSecret',
];

/** JSON-lines logger on stderr (stdout is for the human summary). */
export function createLogger(level = 'info', destination: DestinationStream = pino.destination(2)): Logger {
  return pino(
    {
      level,
      base: { name: 'c1-hygiene' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** A logger that writes nothing, for library callers and tests that do not look at logs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
