import type { Clock, Sleep } from '../clock.js';
import type { Logger } from '../logger.js';

/** What the Slack and webhook channels take from their caller; everything but the logger has a production default. */
export interface HttpChannelDeps {
  logger: Logger;
  /** Deadline and HTTP-date `Retry-After` arithmetic. Default: system clock. */
  clock?: Clock;
  /** Waits between attempts. Default: a real timer. */
  sleep?: Sleep;
  random?: () => number;
  /** First backoff ceiling (default 1 s); tests make it small. */
  retryBaseDelayMs?: number;
  /** Cap on the answer's body that is read (default 64 KiB). */
  maxResponseBytes?: number;
}
