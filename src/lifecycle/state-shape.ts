import { randomUUID } from 'node:crypto';
import type { ResolvedFinding } from '../report/types.js';
import { SEVERITIES, type Severity } from '../severity.js';
import {
  STATE_VERSION,
  type AlertedEntry,
  type ChannelRecord,
  type FailureNoticeRecord,
  type FailureStreak,
  type LifecycleState,
  type PendingDelivery,
  type TrackedFinding,
} from './types.js';

/**
 * Reads the JSON of `state.json` into a `LifecycleState`, checking every
 * value: version 2 as is, version 1 (one record for the one e-mail list)
 * migrated. Hand-written rather than a zod schema because the state can hold
 * hundreds of thousands of fingerprints and is read on every run: these
 * checks cost a few type tests per entry and build the result in the same
 * pass. Throws `StateShapeError` naming the first bad path.
 */
export function readStateJson(json: unknown): LifecycleState {
  const root = object(json, '(root)');
  if (root.version === STATE_VERSION) return readV2(root);
  if (root.version === 1) return migrateV1(root);
  throw new StateShapeError(`unknown version ${JSON.stringify(root.version)}`);
}

export class StateShapeError extends Error {}

/** The channel id of the e-mail list, the one channel version 1 knew. */
export const EMAIL_CHANNEL_ID = 'email';

type Json = Record<string, unknown>;

function readV2(root: Json): LifecycleState {
  keysOnly(root, ['version', 'findings', 'channels', 'failureStreak'], '(root)');
  const findings = checkedMap<TrackedFinding>(root.findings, 'findings', checkTracked);
  const channels = mapOf(root.channels, 'channels', channelRecord);
  const streakJson = nullable(root.failureStreak, '(root)', 'failureStreak', object);
  let failureStreak: FailureStreak | null = null;
  if (streakJson !== null) {
    keysOnly(streakJson, ['startedAt', 'lastError'], 'failureStreak');
    failureStreak = { startedAt: time(streakJson.startedAt, 'failureStreak', 'startedAt'), lastError: text(streakJson.lastError, 'failureStreak', 'lastError') };
  }
  return { version: STATE_VERSION, findings, channels, failureStreak };
}

/**
 * Version 1 → 2: the shared tracking stays shared; the alert history (per
 * finding `lastAlertedAt`/`lastAlertedSeverity`, `resolvedSinceAlert`,
 * `lastDigestAt`, the notice of the current failure streak) becomes the
 * record of the `email` channel, which is who received it. Nothing delivered
 * before is due again because of the migration.
 */
function migrateV1(root: Json): LifecycleState {
  keysOnly(root, ['version', 'findings', 'resolvedSinceAlert', 'failureStreak', 'lastDigestAt'], '(root)');
  const alerted = new Map<string, AlertedEntry>();
  const findings = mapOf(root.findings, 'findings', (value, path, fingerprint) => {
    const entry = object(value, path);
    const at = nullable(entry.lastAlertedAt, path, 'lastAlertedAt', time);
    const severity = nullable(entry.lastAlertedSeverity, path, 'lastAlertedSeverity', severityOf);
    const tracked = trackedFinding(entry, path, V1_TRACKED_KEYS);
    if (at !== null && severity !== null) alerted.set(fingerprint, { at, severity });
    return tracked;
  });
  const resolvedSinceDelivery = listOf(root.resolvedSinceAlert, 'resolvedSinceAlert', resolvedFinding);
  const lastDeliveryAt = nullable(root.lastDigestAt, '(root)', 'lastDigestAt', time);
  const streakJson = nullable(root.failureStreak, '(root)', 'failureStreak', object);
  let failureStreak: FailureStreak | null = null;
  let failureNotice: FailureNoticeRecord | null = null;
  if (streakJson !== null) {
    keysOnly(streakJson, ['startedAt', 'lastError', 'noticeSentAt'], 'failureStreak');
    failureStreak = { startedAt: time(streakJson.startedAt, 'failureStreak', 'startedAt'), lastError: text(streakJson.lastError, 'failureStreak', 'lastError') };
    const sentAt = nullable(streakJson.noticeSentAt, 'failureStreak', 'noticeSentAt', time);
    if (sentAt !== null) failureNotice = { streakStartedAt: failureStreak.startedAt, deliveryId: randomUUID(), sentAt };
  }
  const email: ChannelRecord = { alerted: Object.fromEntries(alerted), resolvedSinceDelivery, lastDeliveryAt, pending: null, failureNotice };
  const hasHistory = alerted.size > 0 || resolvedSinceDelivery.length > 0 || lastDeliveryAt !== null || failureNotice !== null;
  return { version: STATE_VERSION, findings, channels: hasHistory ? { [EMAIL_CHANNEL_ID]: email } : {}, failureStreak };
}

const TRACKED_KEYS = ['ruleId', 'credentialId', 'clientId', 'displayName', 'severity', 'firstSeenAt', 'lastSeenAt'] as const;
const V1_TRACKED_KEYS = [...TRACKED_KEYS, 'lastAlertedAt', 'lastAlertedSeverity'] as const;

function trackedFinding(entry: Json, path: string, allowed: readonly string[]): TrackedFinding {
  keysOnly(entry, allowed, path);
  return {
    ruleId: text(entry.ruleId, path, 'ruleId'),
    credentialId: text(entry.credentialId, path, 'credentialId'),
    clientId: text(entry.clientId, path, 'clientId'),
    displayName: text(entry.displayName, path, 'displayName'),
    severity: severityOf(entry.severity, path, 'severity'),
    firstSeenAt: time(entry.firstSeenAt, path, 'firstSeenAt'),
    lastSeenAt: time(entry.lastSeenAt, path, 'lastSeenAt'),
  };
}

/** Checks a tracked finding where it is, without copying (the state can hold hundreds of thousands). */
function checkTracked(value: unknown, path: string, key: string): void {
  const entry = object(value, path, key);
  if (
    typeof entry.ruleId !== 'string' ||
    typeof entry.credentialId !== 'string' ||
    typeof entry.clientId !== 'string' ||
    typeof entry.displayName !== 'string' ||
    !isSeverity(entry.severity) ||
    !isTime(entry.firstSeenAt) ||
    !isTime(entry.lastSeenAt) ||
    Object.keys(entry).length !== TRACKED_KEYS.length
  ) {
    // The slow path, only to name what is wrong.
    trackedFinding(entry, `${path}.${key}`, TRACKED_KEYS);
  }
}

function checkAlerted(value: unknown, path: string, key: string): void {
  const entry = object(value, path, key);
  if (!isTime(entry.at) || !isSeverity(entry.severity) || Object.keys(entry).length !== 2) {
    const at = `${path}.${key}`;
    keysOnly(entry, ['at', 'severity'], at);
    time(entry.at, at, 'at');
    severityOf(entry.severity, at, 'severity');
  }
}

function channelRecord(value: unknown, path: string): ChannelRecord {
  const record = object(value, path);
  keysOnly(record, ['alerted', 'resolvedSinceDelivery', 'lastDeliveryAt', 'pending', 'failureNotice'], path);
  return {
    alerted: checkedMap<AlertedEntry>(record.alerted, `${path}.alerted`, checkAlerted),
    resolvedSinceDelivery: listOf(record.resolvedSinceDelivery, `${path}.resolvedSinceDelivery`, resolvedFinding),
    lastDeliveryAt: nullable(record.lastDeliveryAt, path, 'lastDeliveryAt', time),
    pending: nullable(record.pending, path, 'pending', (entry, parent, key): PendingDelivery => {
      const at = `${parent}.${key}`;
      const pending = object(entry, at);
      keysOnly(pending, ['deliveryId', 'contentKey'], at);
      return { deliveryId: text(pending.deliveryId, at, 'deliveryId'), contentKey: text(pending.contentKey, at, 'contentKey') };
    }),
    failureNotice: nullable(record.failureNotice, path, 'failureNotice', (entry, parent, key): FailureNoticeRecord => {
      const at = `${parent}.${key}`;
      const notice = object(entry, at);
      keysOnly(notice, ['streakStartedAt', 'deliveryId', 'sentAt'], at);
      return {
        streakStartedAt: time(notice.streakStartedAt, at, 'streakStartedAt'),
        deliveryId: text(notice.deliveryId, at, 'deliveryId'),
        sentAt: nullable(notice.sentAt, at, 'sentAt', time),
      };
    }),
  };
}

function resolvedFinding(value: unknown, path: string): ResolvedFinding {
  const entry = object(value, path);
  keysOnly(entry, ['fingerprint', 'ruleId', 'credentialId', 'clientId', 'displayName', 'firstSeenAt'], path);
  return {
    fingerprint: text(entry.fingerprint, path, 'fingerprint'),
    ruleId: text(entry.ruleId, path, 'ruleId'),
    credentialId: text(entry.credentialId, path, 'credentialId'),
    clientId: text(entry.clientId, path, 'clientId'),
    displayName: text(entry.displayName, path, 'displayName'),
    firstSeenAt: text(entry.firstSeenAt, path, 'firstSeenAt'),
  };
}

// --- the checks -------------------------------------------------------------

const SEVERITY_SET: ReadonlySet<string> = new Set(SEVERITIES);
/** The ISO form this tool writes (`Date#toISOString`); checked by pattern, which is much cheaper than parsing. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Paths are only built when something is wrong: on the happy path they would cost more than the checks. */
function fail(path: string, key: string | undefined, message: string): never {
  const at = key === undefined ? path : path === '(root)' ? key : `${path}.${key}`;
  throw new StateShapeError(`unexpected shape at ${at}: ${message}`);
}

function object(value: unknown, path: string, key?: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, key, 'expected an object');
  return value as Json;
}

function keysOnly(value: Json, allowed: readonly string[], path: string): void {
  for (const key in value) {
    if (Object.hasOwn(value, key) && !allowed.includes(key)) fail(path, key, 'unexpected key');
  }
}

function text(value: unknown, path: string, key?: string): string {
  if (typeof value !== 'string') fail(path, key, 'expected a string');
  return value;
}

function isTime(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIME.test(value) && !Number.isNaN(Date.parse(value));
}

function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && SEVERITY_SET.has(value);
}

function time(value: unknown, path: string, key?: string): string {
  if (typeof value !== 'string' || !ISO_TIME.test(value) || Number.isNaN(Date.parse(value))) fail(path, key, 'not a timestamp');
  return value;
}

function severityOf(value: unknown, path: string, key?: string): Severity {
  if (typeof value !== 'string' || !SEVERITY_SET.has(value)) fail(path, key, `expected a severity (${SEVERITIES.join(', ')})`);
  return value as Severity;
}

function nullable<T>(value: unknown, path: string, key: string, read: (value: unknown, path: string, key: string) => T): T | null {
  return value === null ? null : read(value, path, key);
}

function listOf<T>(value: unknown, path: string, read: (value: unknown, path: string) => T): T[] {
  if (!Array.isArray(value)) fail(path, undefined, 'expected a list');
  return value.map((entry, index) => read(entry, `${path}[${index}]`));
}

/** A JSON object used as a map; built with own properties only, so a key named `__proto__` stays data. */
function mapOf<T>(value: unknown, path: string, read: (value: unknown, path: string, key: string) => T): Record<string, T> {
  const source = object(value, path);
  const out = new Map<string, T>();
  for (const key in source) {
    if (Object.hasOwn(source, key)) out.set(key, read(source[key], `${path}.${key}`, key));
  }
  return Object.fromEntries(out);
}

/**
 * A JSON object used as a map, checked entry by entry and returned as it is:
 * JSON.parse made every key an own property, so a key named `__proto__`
 * stays data (readers use `Object.hasOwn`).
 */
function checkedMap<T>(value: unknown, path: string, check: (value: unknown, path: string, key: string) => void): Record<string, T> {
  const source = object(value, path);
  for (const key of Object.keys(source)) check(source[key], path, key);
  return source as Record<string, T>;
}
