import type { ConfigFile } from './schema.js';

/**
 * The configuration file's settings when it sets nothing (no file, or `{}`):
 * exactly what the schema's defaults produce, so a run without a file loads
 * no schema library at all. The schema stays the documentation and the
 * authority; a test fails when this differs from `configFileSchema.parse({})`.
 * A new object each call: callers may keep or change what they get.
 */
export function configFileDefaults(): ConfigFile {
  return {
    c1: {
      timeoutMs: 10_000,
      maxRetries: 4,
      scope: 'self',
      maxKeys: 200_000,
      pageSize: 100,
      maxPages: null,
      maxResponseBytes: 16 * 1024 * 1024,
      maxPageTokenBytes: 16 * 1024,
      maxListingBytes: 512 * 1024 * 1024,
    },
    rules: {
      expiringSoon: { days: 14, urgentDays: 3 },
      unused: { days: 90, neverUsedGraceDays: 7 },
      broadCidr: { minPrefixV4: 16, minPrefixV6: 48 },
      broadRoles: { roles: ['Super Administrator'] },
      longLived: { maxDays: 365 },
      disabled: [],
      severity: {},
    },
    suppressions: [],
    report: { dir: './reports', keep: 30, formats: ['json', 'html'] },
    alerts: {
      minSeverity: 'medium',
      renotifyAfterDays: 7,
      email: { to: [], timeoutMs: 15_000, retries: 2 },
      routeToOwners: false,
      slack: { timeoutMs: 10_000, maxRetries: 3, deadlineMs: 60_000 },
      webhook: { timeoutMs: 10_000, maxRetries: 3, deadlineMs: 60_000 },
    },
    state: { dir: './state' },
    schedule: {
      cron: '0 7 * * *',
      timezone: 'UTC',
      runOnStart: false,
      shutdownGraceSeconds: 60,
      healthPort: null,
      healthHost: '0.0.0.0',
    },
    remediation: { rules: [], maxDeletes: 10 },
  };
}

/** A file that sets nothing: no file at all, or an empty JSON object. */
export function setsNothing(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.keys(raw).length === 0;
}
