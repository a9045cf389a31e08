/**
 * Runs at most one job at a time. A second `tryRun` while one is in flight
 * does not queue: it returns null and the caller logs the skipped tick. Kept
 * separate from node-cron's own `noOverlap` so the rule "never two audits at
 * once" is explicit here and tested on its own.
 */
export class SingleFlight<T> {
  #current: Promise<T> | null = null;

  get running(): boolean {
    return this.#current !== null;
  }

  /** Starts `job` unless one is in flight; null means it was skipped. */
  tryRun(job: () => Promise<T>): Promise<T> | null {
    if (this.#current) return null;
    const run = Promise.resolve().then(job);
    this.#current = run;
    const clear = (): void => {
      if (this.#current === run) this.#current = null;
    };
    run.then(clear, clear);
    return run;
  }

  /** Resolves once nothing is in flight; never rejects (the job's caller sees its failure). */
  async idle(): Promise<void> {
    while (this.#current) {
      await this.#current.then(
        () => undefined,
        () => undefined,
      );
    }
  }
}
