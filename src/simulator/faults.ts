/**
 * Fault injection: tests (and anyone exercising failure handling) queue
 * misbehaviour that applies to the next N requests of a route. Faults are
 * consumed in the order they were queued, one per request.
 */

/**
 * The simulator's routes, as fault injection and request records name them:
 * `personal_clients` is the caller's own listing (GET), `search_personal_clients`
 * the tenant-wide search (POST), `user` one user by id, `search_users` the
 * batch user lookup.
 */
export type SimulatorRoute =
  | 'token'
  | 'personal_clients'
  | 'search_personal_clients'
  | 'roles'
  | 'introspect'
  | 'user'
  | 'search_users'
  /** `GET /api/v1/iam/personal_clients/{id}` */
  | 'personal_client'
  /** `DELETE /api/v1/iam/personal_clients/{id}` */
  | 'delete_personal_client'
  | 'unknown';

/** Which requests a fault applies to; `any` matches every route. */
export type FaultRoute = Exclude<SimulatorRoute, 'unknown'> | 'any';

export type Fault =
  /**
   * Answer with this status and a C1-style error body. `retryAfter` sets the
   * `Retry-After` header: a number is seconds, a Date becomes an HTTP date,
   * a string is sent as is. `echoCredentials` appends to the message what
   * the request carried (its Authorization header and any form
   * `client_assertion`), as a careless server or proxy might, to prove the
   * client never repeats a credential it is sent back.
   */
  | { kind: 'status'; status: number; retryAfter?: number | Date | string; message?: string; echoCredentials?: boolean }
  /** Hold the response back this long, then answer normally (for client timeouts). */
  | { kind: 'delay'; ms: number }
  /** A 200 whose body is not valid JSON. */
  | { kind: 'malformed-json' }
  /** A 200 whose `Content-Length` promises more than is sent before the connection is destroyed. */
  | { kind: 'truncated-body' }
  /** A 200 with valid JSON of the wrong shape; defaults to `{"list":"nope"}`. */
  | { kind: 'wrong-shape'; body?: unknown }
  /** A list page whose `nextPageToken` is the token the client just used (or the first page's). */
  | { kind: 'repeat-page-token' }
  /** Revoke every issued token before handling the request, so it gets a 401. */
  | { kind: 'expire-tokens' }
  /**
   * A 200 whose body is exactly this text (or what the function makes of the
   * request's query), for hostile pages JSON.stringify cannot even produce:
   * values nested thousands deep, huge lists, endless giant page tokens.
   */
  | { kind: 'raw-body'; body: string | ((query: Record<string, string>) => string) };

export type FaultSpec = Fault & {
  /** Default `any`. */
  route?: FaultRoute;
  /** How many matching requests it applies to; default 1. */
  times?: number;
  /**
   * Only requests about this one key (`/api/v1/iam/personal_clients/{id}`)
   * match, so one key's delete can fail while the others succeed.
   */
  credentialId?: string;
};

interface QueuedFault {
  fault: Fault;
  route: FaultRoute;
  credentialId: string | undefined;
  remaining: number;
}

export class FaultQueue {
  readonly #queue: QueuedFault[] = [];

  add(spec: FaultSpec): void {
    const { route = 'any', times = 1, credentialId, ...fault } = spec;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`fault "times" must be a positive integer, got ${times}`);
    this.#queue.push({ fault: fault as Fault, route, credentialId, remaining: times });
  }

  /** The fault for this request (about key `credentialId`, if any), counting it as used. */
  take(route: SimulatorRoute, credentialId?: string): Fault | null {
    const index = this.#queue.findIndex(
      (q) => (q.route === 'any' || q.route === route) && (q.credentialId === undefined || q.credentialId === credentialId),
    );
    if (index < 0) return null;
    const queued = this.#queue[index]!;
    queued.remaining -= 1;
    if (queued.remaining === 0) this.#queue.splice(index, 1);
    return queued.fault;
  }

  clear(): void {
    this.#queue.length = 0;
  }

  get pending(): number {
    return this.#queue.reduce((sum, q) => sum + q.remaining, 0);
  }
}
