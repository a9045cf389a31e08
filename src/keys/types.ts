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
  /**
   * Set when the API sent a field with the wrong JSON type. The key is kept
   * (so its other fields are still judged) and the field is neutralised: see
   * `MalformedFields`. Already warned about by the shape check, so
   * normalisation does not warn again.
   */
  malformed?: MalformedFields | undefined;
}

/**
 * What the shape check neutralised in one personal client. Wrong-typed plain
 * strings (`clientId`, `displayName`, `userId`) are simply dropped, as absent;
 * they feed no rule.
 */
export interface MalformedFields {
  /**
   * Fields whose value was dropped (or, for `scopedRoles`, cut to its string
   * entries): they become `NormalizedKey.invalidFields`, so rules reading them
   * are skipped for the key instead of mistaking "unusable" for "unset".
   */
  invalidFields: KeyField[];
  /**
   * Positions in `allowSourceCidr` that hold the JSON text of a non-string
   * value (or of a whole non-list value): always judged invalid entries, even
   * if the text happened to look like an address.
   */
  nonStringCidrEntries: number[];
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

/** A field that can be listed in `NormalizedKey.invalidFields`. */
export type KeyField = DateField | 'scopedRoles' | 'allowSourceCidr';

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
   * Fields whose value was present but could not be used: a garbage date, a
   * date or `scopedRoles` of the wrong JSON type. Their value above is null
   * (or, for `scopedRoles`, only the usable entries), and rules reading them
   * are not run for this key: "unparseable" must not be mistaken for "unset".
   * A wrong-typed `allowSourceCidr` entry is not listed here: it becomes an
   * `invalid` entry so `invalid-cidr` reports it.
   */
  invalidFields: KeyField[];
  /** The key's owner once the owner lookup ran; null when unresolved or not looked up. */
  owner: Owner | null;
}

/**
 * The user who owns a key, resolved with `POST /api/v1/search/users`
 * (the user is under `list[].user`). `null` on a key means the owner could not
 * be resolved (a warning names the user id).
 */
export interface Owner {
  id: string;
  /** The user's primary e-mail as C1 sends it; null when absent. Untrusted text. */
  email: string | null;
  /** Untrusted text; null when absent. */
  displayName: string | null;
  /** `UNKNOWN`, `ENABLED`, `DISABLED`, `DELETED` (C1's values; anything else is kept as sent). */
  status: string;
}

/** A problem with one key's data, reported in the report's `warnings`. */
export interface KeyWarning {
  credentialId: string | null;
  /** Position in the API listing (0-based across pages), for keys with no usable id. */
  index?: number;
  field: string;
  message: string;
}
