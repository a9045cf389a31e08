import type { AppConfig, Suppression } from '../config/types.js';
import { normalizeKey } from '../keys/normalize.js';
import type { KeyWarning, NormalizedKey, Owner, RawPersonalClient } from '../keys/types.js';
import type { ReportClient } from '../report/types.js';
import { compareFindings, evaluateKeys } from '../rules/evaluate.js';
import { RULES } from '../rules/index.js';
import type { Finding, Rule, SuppressedFinding } from '../rules/types.js';
import type { ListingContext } from './collect.js';
import { assignOwners } from './owners.js';

/**
 * The audit's judging stage, page by page: each page of listed keys is
 * normalised and judged as it arrives, and only what the report needs is
 * kept: the key as the report lists it and its findings. The raw listing and
 * the parsed keys (dates, CIDRs) are dropped with their page, so a tenant of
 * 100,000 keys never sits in memory whole, in any form.
 *
 * Rules that judge owners (`needsOwners`) wait for the end: owners are
 * looked up while the listing runs and are only all known once it is done.
 * They see the key as the report lists it (`keyAsListed`), which is why such
 * a rule may only read the fields listed in `FIELDS_KEPT_FOR_OWNER_RULES`.
 */

/** The key fields a rule that judges owners may read: what the report keeps of each key. */
export const FIELDS_KEPT_FOR_OWNER_RULES: ReadonlySet<keyof NormalizedKey> = new Set([
  'id',
  'clientId',
  'displayName',
  'userId',
  'owner',
  'createdAt',
  'expiresTime',
  'lastUsedAt',
  'scopedRoles',
  'invalidFields',
]);

export interface ScanSettings {
  now: Date;
  rules: AppConfig['rules'];
  suppressions: readonly Suppression[];
  /** The rules to run; the full catalogue unless a test narrows it. */
  catalogue?: readonly Rule[];
}

/** What the owner lookup of the source stage found. */
export interface OwnerResolution {
  owners: ReadonlyMap<string, Owner>;
  ownersResolved: boolean;
  scope: 'self' | 'tenant';
}

export interface ScanResult {
  /** Every scanned (not deleted) key as the report lists it, owner and findings filled, in API order. */
  clients: ReportClient[];
  /** Open findings, worst first (`compareFindings`). */
  findings: Finding[];
  suppressed: SuppressedFinding[];
  /** Keys listed as deleted at or before `now`: counted, not scanned. */
  deletedCount: number;
  /** Data warnings of normalisation (in key order), then about owners that stayed unknown. */
  warnings: KeyWarning[];
}

export class KeyScan {
  readonly #settings: ScanSettings;
  readonly #clients: ReportClient[] = [];
  readonly #findings: Finding[] = [];
  readonly #suppressed: SuppressedFinding[] = [];
  readonly #warnings: KeyWarning[] = [];
  #deletedCount = 0;
  /** Position of the next key among the listed ones, for warnings about keys without an id. */
  #nextIndex = 0;

  constructor(settings: ScanSettings) {
    this.#settings = settings;
  }

  /** Normalises and judges one page of listed keys (every rule but those that judge owners). */
  addPage(raws: readonly RawPersonalClient[], context: ListingContext): void {
    const { now } = this.#settings;
    const active: NormalizedKey[] = [];
    for (const raw of raws) {
      const { key, warnings } = normalizeKey(raw, this.#nextIndex++);
      if (warnings.length > 0) this.#warnings.push(...warnings);
      // A `deletedAt` still ahead means the key works until then: it is scanned.
      if (key.deletedAt !== null && key.deletedAt.getTime() <= now.getTime()) this.#deletedCount += 1;
      else active.push(key);
    }
    const judged = evaluateKeys(active, { ...this.#evaluationSettings(), roles: context.roles, ownersResolved: false });
    for (const key of active) this.#clients.push(this.#listed(key));
    for (const finding of judged.findings) this.#findings.push(finding);
    for (const finding of judged.suppressed) this.#suppressed.push(finding);
  }

  /**
   * Gives every key and finding its owner, runs the rules that judge owners
   * (when the lookup succeeded), and orders the findings as a whole-listing
   * evaluation would. Call once, after the last page.
   */
  finish(resolution: OwnerResolution): ScanResult {
    const clients = this.#clients;
    const ownerWarnings = assignOwners(clients, resolution);
    const ownerRules = (this.#settings.catalogue ?? RULES).filter((rule) => rule.meta.needsOwners === true);
    if (resolution.ownersResolved && ownerRules.length > 0) {
      const settings = { ...this.#evaluationSettings(), roles: new Map(), ownersResolved: true, catalogue: ownerRules };
      // A page's worth at a time, like the other rules: the keys rebuilt for them are dropped as they go.
      for (let start = 0; start < clients.length; start += OWNER_RULE_BATCH) {
        const judged = evaluateKeys(clients.slice(start, start + OWNER_RULE_BATCH).map(keyAsListed), settings);
        for (const finding of judged.findings) this.#findings.push(finding);
        for (const finding of judged.suppressed) this.#suppressed.push(finding);
      }
    }

    // In place, like the keys': the findings were made by this scan and nobody else holds them yet.
    const clientById = new Map(clients.map((client) => [client.id, client]));
    for (const finding of this.#suppressed) finding.owner = clientById.get(finding.credentialId)?.owner ?? null;
    const findings = this.#findings.sort(compareFindings);
    const suppressed = this.#suppressed.sort(compareFindings);
    // Each key lists the rules that fired for it in the order of the findings.
    for (const finding of findings) {
      const client = clientById.get(finding.credentialId);
      finding.owner = client?.owner ?? null;
      if (client === undefined) continue;
      if (client.findings === NONE) client.findings = [finding.ruleId];
      else client.findings.push(finding.ruleId);
    }

    return { clients, findings, suppressed, deletedCount: this.#deletedCount, warnings: [...this.#warnings, ...ownerWarnings] };
  }

  /**
   * One scanned key as the report lists it; owner and findings are filled by
   * `finish`. Values many keys share (their owner's user id, roles, source
   * ranges) are kept once.
   */
  #listed(key: NormalizedKey): ReportClient {
    const intern = this.#intern;
    const cidrs = key.allowSourceCidr;
    return {
      id: key.id,
      clientId: key.clientId,
      displayName: key.displayName,
      userId: key.userId === null ? null : intern(key.userId),
      owner: key.owner,
      createdAt: key.createdAt?.toISOString() ?? null,
      expiresTime: key.expiresTime?.toISOString() ?? null,
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      allowSourceCidr: cidrs === null ? NONE : [...cidrs.valid.map((entry) => intern(entry.raw)), ...cidrs.invalid.map(intern)],
      scopedRoles: key.scopedRoles === null ? NONE : key.scopedRoles.map(intern),
      invalidFields: key.invalidFields.length === 0 ? NONE : [...key.invalidFields],
      findings: NONE,
    };
  }

  /** The one copy of a value seen before; bounded by the distinct values of a listing. */
  readonly #interned = new Map<string, string>();
  readonly #intern = (value: string): string => {
    const known = this.#interned.get(value);
    if (known !== undefined) return known;
    this.#interned.set(value, value);
    return value;
  };

  #evaluationSettings(): { now: Date; rules: AppConfig['rules']; suppressions: readonly Suppression[]; catalogue?: readonly Rule[] } {
    const { now, rules, suppressions, catalogue } = this.#settings;
    return { now, rules, suppressions, ...(catalogue ? { catalogue } : {}) };
  }
}

/** Keys rebuilt at once for the rules that judge owners. */
const OWNER_RULE_BATCH = 1000;

/** Shared by every key with nothing in a list field: JSON cannot tell, and 100,000 empty arrays are not free. */
const NONE: string[] = Object.freeze([]) as unknown as string[];

/**
 * The key again, from what the report kept of it, for the rules that judge
 * owners. Only `FIELDS_KEPT_FOR_OWNER_RULES` are real; the others are unset.
 */
export function keyAsListed(client: ReportClient): NormalizedKey {
  return new ListedKey(client);
}

/** Dates are read back only when a rule asks for them, once each. */
class ListedKey implements NormalizedKey {
  readonly id: string;
  readonly clientId: string;
  readonly displayName: string;
  readonly userId: string | null;
  readonly updatedAt = null;
  readonly deletedAt = null;
  readonly allowSourceCidr = null;
  readonly scopedRoles: string[] | null;
  readonly invalidFields: NormalizedKey['invalidFields'];
  readonly owner: NormalizedKey['owner'];
  readonly #client: ReportClient;
  #expiresTime: Date | null | undefined;

  constructor(client: ReportClient) {
    this.#client = client;
    this.id = client.id;
    this.clientId = client.clientId;
    this.displayName = client.displayName;
    this.userId = client.userId;
    this.scopedRoles = client.scopedRoles.length === 0 ? null : client.scopedRoles;
    this.invalidFields = client.invalidFields as NormalizedKey['invalidFields'];
    this.owner = client.owner;
  }

  get createdAt(): Date | null {
    return dateOrNull(this.#client.createdAt);
  }

  get expiresTime(): Date | null {
    // Read twice per key (the engine's "expired?" and the rule's own).
    if (this.#expiresTime === undefined) this.#expiresTime = dateOrNull(this.#client.expiresTime);
    return this.#expiresTime;
  }

  get lastUsedAt(): Date | null {
    return dateOrNull(this.#client.lastUsedAt);
  }
}

function dateOrNull(iso: string | null): Date | null {
  return iso === null ? null : new Date(iso);
}
