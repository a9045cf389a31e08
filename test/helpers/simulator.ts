import { C1Client, type C1ClientOptions } from '../../src/c1/client.js';
import type { Clock, Sleep } from '../../src/clock.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { Secret } from '../../src/secret.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';

/** A pino logger writing JSON lines into memory, to assert on what was (and was not) logged. */
export function memoryLogger(level = 'debug'): { logger: Logger; lines: string[]; text: () => string } {
  const lines: string[] = [];
  const logger = createLogger(level, { write: (line: string) => void lines.push(line) });
  return { logger, lines, text: () => lines.join('') };
}

/** A sleep that records every requested delay and returns at once, so retry tests stay fast. */
export function recordingSleep(): { sleep: Sleep; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  };
}

/** A clock that stands still until moved. Starts at a whole second of real time so JWT times stay realistic. */
export function manualClock(start = Math.floor(Date.now() / 1000) * 1000): { clock: Clock; advance: (ms: number) => void; now: () => number } {
  let now = start;
  return { clock: () => new Date(now), advance: (ms) => void (now += ms), now: () => now };
}

export interface TestRig {
  sim: Simulator;
  /** A client for the simulator's own key; options override the fast test defaults. */
  client: (overrides?: Partial<C1ClientOptions>) => C1Client;
  /** Everything secret that went over the wire so far: client secret, JWK `d`, assertions, access tokens. */
  secretsSeen: () => string[];
  close: () => Promise<void>;
}

/**
 * Starts a simulator and hands out clients wired to it with small retry
 * delays. Every client made is closed by `close()`.
 */
export async function startRig(options: SimulatorOptions = {}): Promise<TestRig> {
  const sim = await startSimulator(options);
  const clients: C1Client[] = [];
  return {
    sim,
    client: (overrides = {}) => {
      const client = new C1Client({
        baseUrl: sim.url,
        credentials: { kind: 'client-key', clientId: sim.credential.clientId, clientSecret: new Secret(sim.credential.clientSecret) },
        timeoutMs: 2_000,
        maxRetries: 2,
        pageSize: 10,
        maxPages: 50,
        logger: memoryLogger().logger,
        sleep: recordingSleep().sleep,
        retryBaseDelayMs: 1,
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    secretsSeen: () => secretsSeen(sim),
    close: async () => {
      await Promise.all(clients.map((c) => c.close()));
      await sim.close();
    },
  };
}

function secretsSeen(sim: Simulator): string[] {
  const payload = sim.credential.clientSecret.split(':')[3] ?? '';
  const jwk = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { d: string };
  const secrets = [sim.credential.clientSecret, payload, jwk.d];
  for (const req of sim.requests) {
    const assertion = new URLSearchParams(req.body).get('client_assertion');
    if (assertion) secrets.push(assertion, assertion.split('.')[2] ?? assertion);
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (bearer) secrets.push(bearer);
  }
  return secrets;
}

/** Runs `fn`, expecting it to reject; returns the error so tests can assert on code and message. */
export async function rejectionOf(fn: () => Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await fn();
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error('expected a rejection, but it resolved');
}
