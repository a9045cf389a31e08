/**
 * A value that must never be printed. Every way a value usually leaks
 * (string interpolation, JSON.stringify, util.inspect / console.log, pino)
 * yields a placeholder; only an explicit `reveal()` gives the real value, so
 * each use of a secret is visible when reading the code.
 */
import { REDACTED as PLACEHOLDER } from './redact.js';

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return PLACEHOLDER;
  }

  toJSON(): string {
    return PLACEHOLDER;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return PLACEHOLDER;
  }
}
