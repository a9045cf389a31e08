import { constants } from 'node:os';

/**
 * SIGHUP too: a closed terminal or a supervisor's "reload" would otherwise kill
 * the process mid-audit with no log line (Node's default for SIGHUP is to exit).
 */
export const SHUTDOWN_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/**
 * Listens for SIGTERM/SIGINT/SIGHUP: the first asks for a graceful stop, the second
 * for an immediate one. Listening replaces Node's default "exit at once" for
 * these signals, so `dispose()` must run when the scheduler stops; it removes
 * exactly the listeners added here.
 */
export class ShutdownSignals {
  readonly first: Promise<ShutdownSignal>;
  readonly second: Promise<ShutdownSignal>;
  readonly #emitter: NodeJS.EventEmitter;
  readonly #listeners = new Map<ShutdownSignal, () => void>();

  constructor(emitter: NodeJS.EventEmitter) {
    this.#emitter = emitter;
    let resolveFirst!: (signal: ShutdownSignal) => void;
    let resolveSecond!: (signal: ShutdownSignal) => void;
    this.first = new Promise((resolve) => (resolveFirst = resolve));
    this.second = new Promise((resolve) => (resolveSecond = resolve));
    let received = 0;
    for (const signal of SHUTDOWN_SIGNALS) {
      const listener = (): void => {
        received += 1;
        if (received === 1) resolveFirst(signal);
        else if (received === 2) resolveSecond(signal);
      };
      this.#listeners.set(signal, listener);
      emitter.on(signal, listener);
    }
  }

  dispose(): void {
    for (const [signal, listener] of this.#listeners) this.#emitter.removeListener(signal, listener);
    this.#listeners.clear();
  }
}

/** The shell convention for "killed by a signal": 128 + its number (SIGINT 130, SIGTERM 143). */
export function signalExitCode(signal: ShutdownSignal): number {
  return 128 + constants.signals[signal];
}
