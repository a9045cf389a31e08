/**
 * A personal client as the C1 API sends it, after its JSON shape was checked
 * (strings are strings, arrays are arrays) but before any value was parsed.
 * Produced by `src/c1/personal-clients.ts`, consumed by `normalize`.
 */
export interface RawPersonalClient {
  id: string;
  clientId?: string | undefined;
  displayName?: string | undefined;
  userId?: string | undefined;
  createdAt?: string | undefined;
  updatedAt?: string | undefined;
  deletedAt?: string | undefined;
  expiresTime?: string | undefined;
  lastUsedAt?: string | undefined;
  allowSourceCidr?: string[] | null | undefined;
  scopedRoles?: string[] | null | undefined;
}

/** One `allowSourceCidr` entry that parsed as a CIDR or a single address. */
export interface CidrEntry {
  /** The entry exactly as the API sent it. */
  raw: string;
  version: 4 | 6;
  /** Prefix length; a single address is /32 (IPv4) or /128 (IPv6). */
  prefix: number;
  /** Canonical network form, e.g. `10.0.0.0/8`. */
  cidr: string;
}

export type DateField = 'createdAt' | 'updatedAt' | 'deletedAt' | 'expiresTime' | 'lastUsedAt';

/**
 * The typed key every rule reads. Parsed once at the edge: downstream code
 * never re-parses strings and never tells `null` from `[]` apart.
 */
export interface NormalizedKey {
  id: string;
  clientId: string;
  displayName: string;
  userId: string | null;
  /** Unset (absent, empty, zero value or epoch) is null. */
  createdAt: Date | null;
  updatedAt: Date | null;
  deletedAt: Date | null;
  expiresTime: Date | null;
  lastUsedAt: Date | null;
  /** null when the API sent no entries (absent, null or empty). */
  allowSourceCidr: { valid: CidrEntry[]; invalid: string[] } | null;
  /** null when the API sent no roles (absent, null or empty). */
  scopedRoles: string[] | null;
  /**
   * Fields whose value was present but could not be parsed (a garbage date).
   * Their value above is null, and rules reading them are not run for this
   * key: "unparseable" must not be mistaken for "unset".
   */
  invalidFields: DateField[];
}

/** A problem with one key's data, reported in the report's `warnings`. */
export interface KeyWarning {
  credentialId: string | null;
  /** Position in the API listing (0-based across pages), for keys with no usable id. */
  index?: number;
  field: string;
  message: string;
}
