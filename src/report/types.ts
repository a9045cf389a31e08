import type { KeyWarning, Owner } from '../keys/types.js';
import type { Finding, SuppressedFinding } from '../rules/types.js';
import type { Severity } from '../severity.js';

export interface ReportClient {
  id: string;
  clientId: string;
  displayName: string;
  userId: string | null;
  /** The key's owner; null when it could not be resolved. */
  owner: Owner | null;
  createdAt: string | null;
  expiresTime: string | null;
  lastUsedAt: string | null;
  allowSourceCidr: string[];
  scopedRoles: string[];
  /** Fields present in the API data but unreadable; shown as null above, and the rules reading them skipped this key. */
  invalidFields: string[];
  /** Rule ids that fired (not suppressed) for this key; empty = clean. */
  findings: string[];
}

export interface ResolvedFinding {
  fingerprint: string;
  ruleId: string;
  credentialId: string;
  clientId: string;
  displayName: string;
  firstSeenAt: string;
}

export interface AuditReport {
  schemaVersion: 1;
  tool: { name: string; version: string };
  runId: string;
  asOf: string;
  startedAt: string;
  finishedAt: string;
  tenant: string;
  summary: {
    clientsScanned: number;
    clientsSkipped: number;
    clientsDeleted: number;
    findings: number;
    suppressed: number;
    resolved: number;
    bySeverity: Record<Severity, number>;
    byRule: Record<string, number>;
  };
  clients: ReportClient[];
  findings: Finding[];
  suppressed: SuppressedFinding[];
  resolved: ResolvedFinding[];
  warnings: KeyWarning[];
  rules: { id: string; title: string; severity: Severity; enabled: boolean }[];
}
