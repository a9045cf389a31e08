import type { ReportFormat } from '../report/formats.js';
import type { Secret } from '../secret.js';
import type { Severity } from '../severity.js';
import type { RuleOptions } from '../rules/types.js';

/** How the audit authenticates to C1; secrets stay wrapped until the moment of use. */
export type C1Credentials =
  | { kind: 'client-key'; clientId: string; clientSecret: Secret }
  | { kind: 'access-token'; accessToken: Secret };

export interface Suppression {
  rule: string;
  /** A PersonalClient.id or a clientId. */
  credential: string;
  reason: string;
  /** End of the suppression (exclusive); null = never expires. A bare date means midnight UTC. */
  expires: Date | null;
}

/** Bounds of one HTTP alert channel (Slack, webhook). */
export interface HttpChannelConfig {
  /** One attempt as a whole. */
  timeoutMs: number;
  /** Retries after the first attempt. */
  maxRetries: number;
  /** The whole delivery in one run, attempts and waits included. */
  deadlineMs: number;
}

/**
 * The fully resolved configuration: JSON file, then environment on top,
 * defaults filled in, everything validated. Every module receives the part it
 * needs; nothing reads `process.env` after loading.
 */
export interface AppConfig {
  /** The file it was read from, or null when defaults/env only. */
  source: string | null;
  c1: {
    /** null only when an access token is used and no clientId was given. */
    clientId: string | null;
    /** Base URL (no trailing slash), derived from the client ID unless set. */
    apiUrl: string | null;
    timeoutMs: number;
    maxRetries: number;
    /** `self`: the key owner's own keys; `tenant`: every user's keys (needs a C1 admin's key). */
    scope: 'self' | 'tenant';
    /** A listing with more keys than this fails the audit (exit 3). */
    maxKeys: number;
    /** Asked of endpoints that take a page size. */
    pageSize: number;
    /** Optional cap on the pages of one listing; null = none. */
    maxPages: number | null;
    /** Bounds against hostile listings: one response, one page token, all pages of one listing (bytes). */
    maxResponseBytes: number;
    maxPageTokenBytes: number;
    maxListingBytes: number;
  };
  /** null when neither a key nor a token is configured (`validate` reports it; `demo` brings its own). */
  credentials: C1Credentials | null;
  rules: {
    options: RuleOptions;
    disabled: string[];
    severity: Record<string, Severity>;
  };
  suppressions: Suppression[];
  report: {
    dir: string;
    /** How many runs to keep. */
    keep: number;
    /** Renderings written beside the JSON report (json itself is always written). */
    formats: ReportFormat[];
    /** Where the HTML report is published (https); null = not published. */
    publicUrl: string | null;
  };
  alerts: {
    minSeverity: Severity;
    renotifyAfterDays: number;
    email: {
      to: string[];
      from: string | null;
      /** From SMTP_URL; holds credentials, so it is a Secret. null = email off. */
      smtpUrl: Secret | null;
      timeoutMs: number;
      retries: number;
    };
    /** Also mail each key owner a digest of their own keys. */
    routeToOwners: boolean;
    /** E-mail domains owners may be mailed at, lower-case; empty unless routeToOwners. */
    ownerDomains: string[];
    /** From SLACK_WEBHOOK_URL; null = Slack off. */
    slack: HttpChannelConfig & { webhookUrl: Secret | null };
    /** From WEBHOOK_URL and WEBHOOK_SECRET; url null = webhook off, secret null = unsigned. */
    webhook: HttpChannelConfig & { url: Secret | null; secret: Secret | null };
  };
  state: { dir: string };
  schedule: {
    cron: string;
    timezone: string;
    runOnStart: boolean;
    /** How long SIGTERM waits for an audit in flight. */
    shutdownGraceSeconds: number;
    /** Port of the /healthz and /metrics listener; null = off. */
    healthPort: number | null;
    /** Address the health listener binds; default 0.0.0.0. */
    healthHost: string;
  };
  /** The `remediate` command. */
  remediation: {
    /** Rule ids whose findings may plan a deletion; empty = nothing is planned. */
    rules: string[];
    maxDeletes: number;
  };
  logLevel: string;
}
