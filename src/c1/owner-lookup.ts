import type { Owner } from '../keys/types.js';

/**
 * Resolves key owners while the listing is still paging: user ids are fed in
 * as pages arrive, each id is asked for once per run, full batches go out at
 * once (at most `concurrency` requests in flight), and `finish()` sends the
 * last partial batch and waits for the rest. A tenant of 20,000 keys over
 * 2,000 owners thus costs 20 user requests, mostly hidden behind the listing.
 *
 * The lookup is all or nothing: after one batch fails (its retries used up)
 * no further batch is sent and the result says why, so the audit can go on
 * without owners instead of judging owners from half an answer.
 */

export interface OwnerLookupOptions {
  /** Looks up one batch of ids; resolves with the users C1 returned for them. */
  fetchBatch: (ids: readonly string[]) => Promise<readonly Owner[]>;
  /** Ids per request; the user search takes at most 100. */
  batchSize?: number;
  /** Requests in flight at once. */
  concurrency?: number;
}

export type OwnerLookupResult =
  | {
      ok: true;
      /** Owners by user id; an id asked for but absent here was not returned by C1. */
      owners: Map<string, Owner>;
      /** Distinct ids asked for. */
      requested: number;
      batches: number;
    }
  | { ok: false; error: Error; requested: number; batches: number };

export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_CONCURRENCY = 4;

export class OwnerLookup {
  readonly #fetchBatch: OwnerLookupOptions['fetchBatch'];
  readonly #batchSize: number;
  readonly #concurrency: number;
  readonly #seen = new Set<string>();
  readonly #owners = new Map<string, Owner>();
  /** Ids not yet in a batch. */
  #pending: string[] = [];
  /** Full batches waiting for a free slot. */
  readonly #queue: string[][] = [];
  #inFlight = 0;
  #batches = 0;
  #error: Error | null = null;
  #stopped = false;
  #onIdle: Array<() => void> = [];

  constructor(options: OwnerLookupOptions) {
    this.#fetchBatch = options.fetchBatch;
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.#concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(this.#batchSize) || this.#batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${this.#batchSize}`);
    if (!Number.isInteger(this.#concurrency) || this.#concurrency < 1) {
      throw new RangeError(`concurrency must be a positive integer, got ${this.#concurrency}`);
    }
  }

  /** Queues ids not asked for before; sends every batch that is full. */
  add(ids: Iterable<string>): void {
    if (this.#stopped) return;
    for (const id of ids) {
      if (id === '' || this.#seen.has(id)) continue;
      this.#seen.add(id);
      this.#pending.push(id);
      if (this.#pending.length === this.#batchSize) this.#enqueue();
    }
    this.#pump();
  }

  /**
   * Sends the ids not yet in a batch now, as a batch of their own, instead of
   * waiting for it to fill: for ids that are all there will be (the caller's
   * own in self scope), so the answer is there before the listing ends.
   */
  flush(): void {
    if (this.#stopped || this.#pending.length === 0) return;
    this.#enqueue();
    this.#pump();
  }

  /** Sends what is left and waits for every batch; never rejects. */
  async finish(): Promise<OwnerLookupResult> {
    if (!this.#stopped && this.#pending.length > 0) this.#enqueue();
    this.#pump();
    await this.#idle();
    this.#stopped = true;
    const requested = this.#seen.size;
    if (this.#error !== null) return { ok: false, error: this.#error, requested, batches: this.#batches };
    return { ok: true, owners: new Map(this.#owners), requested, batches: this.#batches };
  }

  /** Sends nothing more (the audit failed elsewhere); batches in flight still end. */
  stop(): void {
    this.#stopped = true;
    this.#pending = [];
    this.#queue.length = 0;
  }

  #enqueue(): void {
    this.#queue.push(this.#pending);
    this.#pending = [];
  }

  #pump(): void {
    while (!this.#stopped && this.#error === null && this.#inFlight < this.#concurrency && this.#queue.length > 0) {
      const batch = this.#queue.shift()!;
      this.#inFlight += 1;
      this.#batches += 1;
      this.#run(batch).finally(() => {
        this.#inFlight -= 1;
        this.#pump();
        if (this.#inFlight === 0) this.#settleIdle();
      });
    }
  }

  async #run(batch: readonly string[]): Promise<void> {
    try {
      const asked = new Set(batch);
      for (const owner of await this.#fetchBatch(batch)) {
        // Only what was asked: a user the server adds unasked must not become anybody's owner.
        if (asked.has(owner.id) && !this.#owners.has(owner.id)) this.#owners.set(owner.id, owner);
      }
    } catch (err) {
      this.#error ??= err instanceof Error ? err : new Error(String(err));
      this.#queue.length = 0;
    }
  }

  #idle(): Promise<void> {
    if (this.#inFlight === 0 && (this.#queue.length === 0 || this.#stopped || this.#error !== null)) return Promise.resolve();
    return new Promise((resolve) => this.#onIdle.push(resolve));
  }

  #settleIdle(): void {
    if (this.#queue.length > 0 && !this.#stopped && this.#error === null) return;
    const waiting = this.#onIdle;
    this.#onIdle = [];
    for (const resolve of waiting) resolve();
  }
}
