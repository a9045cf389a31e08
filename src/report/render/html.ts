import { createHash } from 'node:crypto';
import { DAY_MS } from '../../clock.js';
import { compareFindings } from '../../rules/evaluate.js';
import type { Finding } from '../../rules/types.js';
import { SEVERITIES, severityRank, type Severity } from '../../severity.js';
import { escapeHtml, toSafeLine } from '../sanitize.js';
import type { AuditReport, ReportClient } from '../types.js';
import { joinChunks, joined, rows, CHUNK_UNITS, type Piece } from './chunks.js';
import { formatDay, formatTime, inDays } from './html-time.js';
import { NEUTRAL_COLOUR, SCRIPT, SEVERITY_COLOURS, STYLE } from './html-assets.js';

/**
 * The report as one self-contained HTML page a security team can put on a
 * screen or print: inline CSS and SVG, a strict Content-Security-Policy that
 * allows only this page's own style and script (by hash), nothing fetched.
 * Readable without JavaScript; with it, filters by severity, rule and owner.
 * Everything from the API is untrusted text: stripped of control and bidi
 * characters, cut to a sane length, escaped, and isolated in <bdi>. Pure and
 * linear in the size of the report (apart from sorting).
 */
export function renderHtml(report: AuditReport): string {
  return joinChunks(renderHtmlChunks(report));
}

/**
 * The page as chunks: the parts that grow with the report (key rows, table
 * rows, timeline markers, owner options) come one item at a time.
 */
export function* renderHtmlChunks(report: AuditReport): Generator<string> {
  const model = buildModel(report);
  const csp = [
    "default-src 'none'",
    `style-src '${sha256(STYLE)}'`,
    `script-src '${sha256(SCRIPT)}'`,
    // Only for the empty data: favicon below, which stops browsers asking a server for /favicon.ico.
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `C1 credential hygiene: ${line(report.tenant, 120)} — ${formatTime(report.asOf)}`;

  yield* joined([
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    '<meta name="robots" content="noindex">',
    '<link rel="icon" href="data:,">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    header(report),
    '<main class="wrap">',
    overview(report, model),
    keySection(report, model),
    resolvedSection(report),
    suppressedSection(report),
    warningSection(report),
    cleanSection(model),
    '</main>',
    footer(report),
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ], '\n');
}

/** How many keys the "expiring soon" list under the timeline names; the rest are on the timeline and in the rows. */
const SOON_LISTED = 8;
const TIMELINE_DAYS = 90;

interface KeyView {
  credentialId: string;
  client: ReportClient | null;
  displayName: string;
  clientId: string;
  owner: Finding['owner'];
  findings: Finding[];
  worst: Severity | null;
}

interface Model {
  /** How many keys have findings. A report can have 100,000 of them: each view is made when it is read. */
  keyCount: number;
  /** The key at `position` (0 is the worst), made now. */
  keyAt(position: number): KeyView;
  /** The owner of the key at `position`, without making its view. */
  ownerAt(position: number): Finding['owner'];
  clean: ReportClient[];
  expiring: { worst: Severity | null; client: ReportClient; days: number }[];
}

/** Severities by rank (higher is worse), without searching the list on every comparison. */
const RANK: ReadonlyMap<Severity, number> = new Map(SEVERITIES.map((severity) => [severity, severityRank(severity)]));

/**
 * Findings grouped by key, keys worst first, kept compactly: one sorted copy
 * of the findings and a few numbers per key, not an object and an array per
 * key, so the page of a large tenant costs little memory beyond the report.
 */
function buildModel(report: AuditReport): Model {
  const sorted = [...report.findings].sort(compareFindings);
  // Keys numbered in the order of their first (worst) finding; per key its first finding, worst severity (and its rank) and count.
  const keyOf = new Map<string, number>();
  const first: number[] = [];
  const worst: Severity[] = [];
  const worstRank: number[] = [];
  const count: number[] = [];
  const keyOfFinding = new Uint32Array(sorted.length);
  for (let index = 0; index < sorted.length; index += 1) {
    const finding = sorted[index]!;
    let key = keyOf.get(finding.credentialId);
    const rank = RANK.get(finding.severity) ?? -1;
    if (key === undefined) {
      key = first.length;
      keyOf.set(finding.credentialId, key);
      first.push(index);
      worst.push(finding.severity);
      worstRank.push(rank);
      count.push(0);
    } else if (rank > worstRank[key]!) {
      worst[key] = finding.severity;
      worstRank[key] = rank;
    }
    count[key]! += 1;
    keyOfFinding[index] = key;
  }
  const keyCount = first.length;

  // A key's client: the last one listed with its id.
  const clientOf = new Int32Array(keyCount).fill(-1);
  for (let index = 0; index < report.clients.length; index += 1) {
    const key = keyOf.get(report.clients[index]!.id);
    if (key !== undefined) clientOf[key] = index;
  }
  const clientOfKey = (key: number): ReportClient | null => (clientOf[key]! >= 0 ? report.clients[clientOf[key]!]! : null);
  const names = first.map((index, key) => clientOfKey(key)?.displayName ?? sorted[index]!.displayName);

  // Each key's findings, still in sorted order: `grouped[start[key]]` up to `grouped[start[key + 1]]`.
  const start = new Uint32Array(keyCount + 1);
  for (let key = 0; key < keyCount; key += 1) start[key + 1] = start[key]! + count[key]!;
  const next = start.slice(0, keyCount);
  const grouped = new Uint32Array(sorted.length);
  for (let index = 0; index < sorted.length; index += 1) grouped[next[keyOfFinding[index]!]!++] = index;

  const order = Array.from({ length: keyCount }, (_, key) => key).sort(
    (a, b) =>
      worstRank[b]! - worstRank[a]! ||
      count[b]! - count[a]! ||
      compareText(names[a]!, names[b]!) ||
      compareText(sorted[first[a]!]!.credentialId, sorted[first[b]!]!.credentialId),
  );
  // The owner alone, for the owner filter: without building the key's list of findings.
  const ownerAt = (position: number): Finding['owner'] => {
    const key = order[position]!;
    return clientOfKey(key)?.owner ?? sorted[first[key]!]!.owner;
  };
  const keyAt = (position: number): KeyView => {
    const key = order[position]!;
    const client = clientOfKey(key);
    const head = sorted[first[key]!]!;
    const findings: Finding[] = [];
    for (let at = start[key]!; at < start[key + 1]!; at += 1) findings.push(sorted[grouped[at]!]!);
    return {
      credentialId: head.credentialId,
      client,
      displayName: client?.displayName ?? head.displayName,
      clientId: client?.clientId ?? head.clientId,
      owner: ownerAt(position),
      findings,
      worst: worst[key]!,
    };
  };

  const asOf = Date.parse(report.asOf);
  const expiring: Model['expiring'] = [];
  for (const client of report.clients) {
    if (client.expiresTime === null) continue;
    const days = (Date.parse(client.expiresTime) - asOf) / DAY_MS;
    const key = keyOf.get(client.id);
    if (days > 0 && days <= TIMELINE_DAYS) expiring.push({ worst: key === undefined ? null : worst[key]!, client, days });
  }
  expiring.sort((a, b) => a.days - b.days || compareText(a.client.displayName, b.client.displayName));

  const clean = report.clients.filter((client) => !keyOf.has(client.id)).sort((a, b) => compareText(a.displayName, b.displayName));
  return { keyCount, keyAt, ownerAt, clean, expiring };
}

function header(report: AuditReport): string {
  const facts: [string, string][] = [
    ['As of', formatTime(report.asOf)],
    ['Keys scanned', String(report.summary.clientsScanned)],
    ['Open findings', String(report.summary.findings)],
    ['Resolved since last run', String(report.summary.resolved)],
  ];
  if (report.summary.clientsSkipped > 0) facts.push(['Skipped items', String(report.summary.clientsSkipped)]);
  return [
    '<header class="top"><div class="wrap">',
    '<p class="eyebrow">C1 credential hygiene report</p>',
    `<h1><bdi>${text(report.tenant, 200)}</bdi></h1>`,
    `<dl class="facts">${facts.map(([term, value]) => `<div><dt>${term}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>`,
    '</div></header>',
  ].join('\n');
}

function* overview(report: AuditReport, model: Model): Generator<string> {
  const total = report.summary.findings;
  yield [
    '<section class="overview" aria-label="Overview">',
    '<div class="card">',
    '<h2>Open findings by severity</h2>',
    `<p class="big">${total} <span>open finding${total === 1 ? '' : 's'} on ${model.keyCount} of ${report.summary.clientsScanned} keys</span></p>`,
    severityChart(report.summary.bySeverity),
    '</div>',
    '<div class="card">',
    `<h2>Keys expiring in the next ${TIMELINE_DAYS} days <span class="n">(${model.expiring.length})</span></h2>`,
    '',
  ].join('\n');
  yield* expiryTimeline(report, model);
  yield ['', soonList(model), '</div>', '</section>'].join('\n');
}

/** Horizontal bars, worst severity on top; the numbers are text, so the chart reads without colour too. */
function severityChart(counts: Record<Severity, number>): string {
  const order = [...SEVERITIES].reverse();
  const max = Math.max(1, ...order.map((severity) => counts[severity] ?? 0));
  const rowHeight = 30;
  const labelWidth = 78;
  const barSpace = 250;
  const height = order.length * rowHeight + 4;
  const rows = order.map((severity, index) => {
    const value = counts[severity] ?? 0;
    const y = index * rowHeight + 4;
    const width = value === 0 ? 0 : Math.max(3, Math.round((value / max) * barSpace));
    return [
      `<text x="0" y="${y + 16}">${capitalise(severity)}</text>`,
      `<rect x="${labelWidth}" y="${y + 2}" width="${barSpace}" height="20" rx="3" fill="#f2f4f7"/>`,
      width > 0 ? `<rect x="${labelWidth}" y="${y + 2}" width="${width}" height="20" rx="3" fill="${SEVERITY_COLOURS[severity]}"/>` : '',
      `<text class="count" x="${labelWidth + barSpace + 8}" y="${y + 16}">${value}</text>`,
    ].join('');
  });
  const summary = order.map((severity) => `${counts[severity] ?? 0} ${severity}`).join(', ');
  return `<svg viewBox="0 0 ${labelWidth + barSpace + 44} ${height}" role="img" aria-label="Open findings by severity: ${summary}"><title>Open findings by severity: ${summary}</title>${rows.join('')}</svg>`;
}

/**
 * Days 0–90 from "as of" on one axis; a dot per key, in the colour of its
 * worst finding (grey when clean). Labels go into up to five lanes above the
 * axis and are left out where they would overlap; every key is named in a
 * tooltip and, soonest first, in the list below and in its row.
 */
function* expiryTimeline(report: AuditReport, model: Model): Generator<string> {
  const width = 720;
  const left = 14;
  const right = width - 14;
  const lanes = 5;
  const laneHeight = 17;
  const axisY = 22 + lanes * laneHeight;
  const height = axisY + 34;
  const x = (days: number): number => left + (days / TIMELINE_DAYS) * (right - left);
  const asOf = Date.parse(report.asOf);
  const caption = `${model.expiring.length} key${model.expiring.length === 1 ? '' : 's'} expiring in the next ${TIMELINE_DAYS} days`;

  const parts: string[] = [`<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${caption}"><title>${caption}</title>`];
  for (const day of [0, 14, 30, 60, 90]) {
    const at = x(day).toFixed(1);
    parts.push(`<line class="grid" x1="${at}" y1="8" x2="${at}" y2="${axisY}"/>`);
    const anchor = day === 0 ? 'start' : day === TIMELINE_DAYS ? 'end' : 'middle';
    const label = day === 0 ? 'as of' : `+${day} d`;
    parts.push(`<text class="tick" x="${at}" y="${axisY + 15}" text-anchor="${anchor}">${label}</text>`);
    parts.push(`<text class="tick" x="${at}" y="${axisY + 28}" text-anchor="${anchor}">${formatDay(asOf + day * DAY_MS)}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" y1="${axisY}" x2="${right}" y2="${axisY}"/>`);

  if (model.expiring.length === 0) {
    parts.push(`<text class="tick" x="${width / 2}" y="${axisY - 30}" text-anchor="middle">No key expires in the next ${TIMELINE_DAYS} days.</text>`);
  }

  // Connectors and dots first, labels last: a label is never crossed by another key's connector.
  let labels = '';
  const laneEnds = new Array<number>(lanes).fill(-Infinity);
  let chunk = parts.join('');
  for (const entry of model.expiring) {
    const at = x(entry.days);
    const atText = at.toFixed(1);
    const colour = entry.worst ? SEVERITY_COLOURS[entry.worst] : NEUTRAL_COLOUR;
    const name = line(entry.client.displayName, 60) || '(no name)';
    const tip = `${name}: expires ${formatTime(entry.client.expiresTime ?? '')} (${inDays(entry.days)})`;
    const label = line(entry.client.displayName, 24) || '(no name)';
    const labelWidth = Array.from(label).length * 6.2 + 10;
    const anchorEnd = at + labelWidth > right;
    const start = anchorEnd ? at - labelWidth : at - 3;
    const end = anchorEnd ? at + 3 : at + labelWidth;
    const lane = laneEnds.findIndex((laneEnd) => laneEnd < start);
    if (lane !== -1) {
      laneEnds[lane] = end;
      const y = axisY - 10 - lane * laneHeight;
      chunk += `<line x1="${atText}" y1="${y + 3}" x2="${atText}" y2="${axisY - 5}" stroke="${colour}" stroke-width="1"/>`;
      // Few: a label is only placed where one of the lanes has room.
      labels += `<text class="label" x="${(anchorEnd ? at - 4 : at + 4).toFixed(1)}" y="${y}" text-anchor="${anchorEnd ? 'end' : 'start'}">${escapeHtml(label)}</text>`;
    }
    chunk += `<circle cx="${atText}" cy="${axisY}" r="5" fill="${colour}" stroke="#fff" stroke-width="1.5"><title>${escapeHtml(tip)}</title></circle>`;
    if (chunk.length >= CHUNK_UNITS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}${labels}</svg>`;
}

function soonList(model: Model): string {
  if (model.expiring.length === 0) return '';
  const items = model.expiring.slice(0, SOON_LISTED).map((entry) => {
    const severity = entry.worst;
    const badge = severity ? ` <span class="sev sev-${severity}">${severity}</span>` : '';
    return `<li><span class="when">${escapeHtml(inDays(entry.days))}</span><bdi>${text(entry.client.displayName, 80) || '(no name)'}</bdi>${badge}</li>`;
  });
  const more = model.expiring.length - SOON_LISTED;
  if (more > 0) items.push(`<li class="muted">and ${more} more on the timeline</li>`);
  return `<ul class="soon">${items.join('')}</ul>`;
}

function* keySection(report: AuditReport, model: Model): Generator<string> {
  const head = `<section aria-labelledby="keys-h">\n<h2 id="keys-h">Keys with findings <span class="n">(${model.keyCount})</span></h2>`;
  if (model.keyCount === 0) {
    yield `${head}\n<p class="empty">No open findings: all ${report.summary.clientsScanned} scanned keys are clean.</p>\n</section>`;
    return;
  }
  yield `${head}\n`;
  yield* filterForm(report, model);
  const keyRows = new KeyRows(report.asOf);
  yield* rows(
    '\n<p class="empty" id="no-match" hidden>No key matches these filters.</p>\n<div class="keys">\n',
    model.keyCount,
    (position) => keyRows.row(model.keyAt(position)),
    '\n',
    '\n</div>\n</section>',
  );
}

/** Hidden until the script shows it: without JavaScript it could not do anything. */
function filterForm(report: AuditReport, model: Model): Generator<string> {
  const severities = [...SEVERITIES]
    .reverse()
    .map((severity) => `<option value="${severity}">${capitalise(severity)}${severity === 'critical' ? '' : ' or worse'}</option>`);
  const ruleTitles = new Map<string, string>();
  for (const rule of report.rules) ruleTitles.set(rule.id, rule.title);
  const firedRules = new Map<string, number>();
  for (const finding of report.findings) firedRules.set(finding.ruleId, (firedRules.get(finding.ruleId) ?? 0) + 1);
  const rules = [...firedRules.entries()]
    .sort((a, b) => compareText(a[0], b[0]))
    .map(([id, n]) => `<option value="${escapeHtml(id)}">${text(ruleTitles.get(id) ?? id, 80)} (${n})</option>`);
  // By owner id, null for the keys whose owner is unknown (as many owners as keys, at worst); the first key's label names the owner.
  const owners = new Map<string | null, { owner: Finding['owner']; label: string; n: number }>();
  for (let position = 0; position < model.keyCount; position += 1) {
    const owner = model.ownerAt(position);
    const id = owner === null ? null : owner.id;
    const entry = owners.get(id);
    if (entry === undefined) owners.set(id, { owner, label: ownerLabel(owner), n: 1 });
    else entry.n += 1;
  }
  const options = [...owners.values()].sort((a, b) => compareText(a.label, b.label));
  return rows(
    [
      '<form id="filters" class="filters" hidden aria-label="Filter keys">',
      `<label>Severity<select name="severity"><option value="">All severities</option>${severities.join('')}</select></label>`,
      `<label>Rule<select name="rule"><option value="">All rules</option>${rules.join('')}</select></label>`,
      '<label>Owner<select name="owner"><option value="">All owners</option>',
    ].join('\n'),
    options.length,
    (index) => {
      const { owner, label, n } = options[index]!;
      return `<option value="${escapeHtml(ownerKey(owner))}">${text(label, 80)} (${n})</option>`;
    },
    '',
    ['</select></label>', '<button type="reset">Clear</button>', `<output id="shown" aria-live="polite">${model.keyCount} of ${model.keyCount} keys shown</output>`, '</form>'].join('\n'),
  );
}

/**
 * The rows of the keys with findings. What recurs from key to key is made
 * safe once: a rule's title, advice and link (the same on every key it fired
 * for) and an owner's cell (the same on each of the owner's keys).
 */
class KeyRows {
  private readonly asOfTime: number;
  private readonly titles = new Map<string, string>();
  private readonly advice = new Map<string, string>();
  private readonly links = new Map<string, string>();
  /** A finding's opening, by title: its severity and rule, checked on every use. */
  private readonly openings = new Map<string, { severity: Severity; ruleId: string; html: string }>();
  /** An advice item, by remediation: its reference, checked on every use. */
  private readonly adviceItems = new Map<string, { reference: string; html: string }>();
  /** An owner's filter value and cell, by owner id (null: unknown owner, whose cell names the key's user). */
  private readonly owners = new Map<string | null, OwnerCell>();

  constructor(asOf: string) {
    this.asOfTime = Date.parse(asOf);
  }

  row(key: KeyView): string {
    const owner = this.ownerCell(key);
    let findings = '';
    for (const finding of key.findings) findings += this.finding(finding);
    return (
      `<article class="key w-${key.worst ?? 'info'}" data-owner="${owner.value}"><div class="key-head">` +
      `<h3><bdi>${text(key.displayName, 200) || '(no name)'}</bdi></h3>` +
      `<span class="client mono"><bdi>${text(key.clientId, 300)}</bdi></span>` +
      `<span class="owner">${owner.html}</span></div><div class="key-body">` +
      `<div><h4>Findings</h4><ul class="findings">${findings}</ul></div>` +
      `<div><h4>What to do</h4><ul class="advice">${this.adviceList(key.findings)}</ul></div></div></article>`
    );
  }

  private finding(finding: Finding): string {
    const isNew = Date.parse(finding.firstSeenAt) === this.asOfTime;
    return `${this.opening(finding)}${isNew ? '<span class="tag">new</span>' : ''}<span class="msg">${text(finding.message, 600)}</span></li>`;
  }

  private opening(finding: Finding): string {
    const known = this.openings.get(finding.title);
    if (known !== undefined && known.severity === finding.severity && known.ruleId === finding.ruleId) return known.html;
    const title = remembered(this.titles, finding.title, () => text(finding.title, 120));
    const html =
      `<li class="finding" data-severity="${finding.severity}" data-rule="${escapeHtml(finding.ruleId)}">` +
      `<span class="sev sev-${finding.severity}">${finding.severity}</span> <span class="title">${title}</span>`;
    this.openings.set(finding.title, { severity: finding.severity, ruleId: finding.ruleId, html });
    return html;
  }

  /** Each distinct remediation once, worst finding first, with its documentation link. */
  private adviceList(findings: readonly Finding[]): string {
    if (findings.length === 1) return this.adviceItem(findings[0]!);
    const seen = new Set<string>();
    let items = '';
    for (const finding of findings) {
      if (seen.has(finding.remediation)) continue;
      seen.add(finding.remediation);
      items += this.adviceItem(finding);
    }
    return items;
  }

  private adviceItem(finding: Finding): string {
    const known = this.adviceItems.get(finding.remediation);
    if (known !== undefined && known.reference === finding.reference) return known.html;
    const link = remembered(this.links, finding.reference, () => {
      const url = safeHttpsUrl(finding.reference);
      return url ? ` <a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">C1 docs</a>` : '';
    });
    const html = `<li>${remembered(this.advice, finding.remediation, () => text(finding.remediation, 1000))}${link}</li>`;
    this.adviceItems.set(finding.remediation, { reference: finding.reference, html });
    return html;
  }

  private ownerCell(key: KeyView): OwnerCell {
    const { owner } = key;
    const userId = key.client?.userId;
    const known = this.owners.get(owner === null ? null : owner.id);
    if (known !== undefined && (owner === null ? known.userId === userId : sameOwner(known.owner, owner))) return known;
    const cell: OwnerCell = { owner, userId, value: escapeHtml(ownerKey(owner)), html: ownerHtml(owner, userId) };
    // A tenant of many owners would otherwise keep a cell per owner to the end of the page.
    if (this.owners.size >= OWNER_CELLS_KEPT) this.owners.clear();
    this.owners.set(owner === null ? null : owner.id, cell);
    return cell;
  }
}

/** How many owners' cells are kept at once: enough for the owners of a team, bounded for a tenant of 100,000 keys. */
const OWNER_CELLS_KEPT = 1_000;

interface OwnerCell {
  owner: Finding['owner'];
  userId: string | null | undefined;
  /** The key's `data-owner`, escaped. */
  value: string;
  html: string;
}

function sameOwner(a: Finding['owner'], b: NonNullable<Finding['owner']>): boolean {
  return a !== null && a.id === b.id && a.displayName === b.displayName && a.email === b.email && a.status === b.status;
}

/** `make()` for this text, made once per page: the same rule text recurs on every key it fired for. */
function remembered(memo: Map<string, string>, value: string, make: () => string): string {
  let made = memo.get(value);
  if (made === undefined) {
    made = make();
    memo.set(value, made);
  }
  return made;
}

function ownerHtml(owner: Finding['owner'], userId: string | null | undefined): string {
  if (owner === null) {
    return `<span class="muted">Owner unknown${userId ? ` (user <bdi class="mono">${text(userId, 80)}</bdi>)` : ''}</span>`;
  }
  const name = owner.displayName ? `<bdi>${text(owner.displayName, 120)}</bdi>` : '';
  const email = owner.email ? `<bdi class="mono">${text(owner.email, 200)}</bdi>` : '';
  const inactive = owner.status === 'DISABLED' || owner.status === 'DELETED';
  const status =
    owner.status && owner.status !== 'ENABLED'
      ? `<span class="status${inactive ? ' status-bad' : ''}">${text(owner.status, 20)}</span>`
      : '';
  return `${[name, email].filter(Boolean).join(' · ') || `user <bdi class="mono">${text(owner.id, 80)}</bdi>`}${status}`;
}

function resolvedSection(report: AuditReport): Piece {
  const title = `<h2 id="resolved-h">Resolved since the last run <span class="n">(${report.resolved.length})</span></h2>`;
  if (report.resolved.length === 0) {
    return `<section aria-labelledby="resolved-h">${title}<p class="muted">Nothing was resolved since the last run.</p></section>`;
  }
  return rows(
    `<section aria-labelledby="resolved-h">${title}\n<table class="list"><thead><tr><th>Last severity</th><th>Rule</th><th>Key</th><th>Client ID</th><th>First seen</th></tr></thead>\n<tbody>`,
    report.resolved.length,
    (index) => {
      const entry = report.resolved[index]!;
      return (
        `<tr><td><span class="sev sev-${entry.severity}">${entry.severity}</span></td><td>${text(entry.title, 120)}</td>` +
        `<td><bdi>${text(entry.displayName, 200) || '(no name)'}</bdi></td><td class="mono"><bdi>${text(entry.clientId, 300)}</bdi></td>` +
        `<td>${escapeHtml(formatTime(entry.firstSeenAt))}</td></tr>`
      );
    },
    '',
    '</tbody></table></section>',
  );
}

function suppressedSection(report: AuditReport): Piece {
  if (report.suppressed.length === 0) return '';
  return rows(
    `<section aria-labelledby="suppressed-h"><h2 id="suppressed-h">Suppressed <span class="n">(${report.suppressed.length})</span></h2>\n` +
      '<table class="list"><thead><tr><th>Severity</th><th>Rule</th><th>Key</th><th>Reason</th><th>Until</th></tr></thead>\n<tbody>',
    report.suppressed.length,
    (index) => {
      const entry = report.suppressed[index]!;
      return (
        `<tr><td><span class="sev sev-${entry.severity}">${entry.severity}</span></td><td>${text(entry.title, 120)}</td>` +
        `<td><bdi>${text(entry.displayName, 200) || '(no name)'}</bdi></td><td>${text(entry.reason, 500)}</td>` +
        `<td>${entry.suppressionExpires ? escapeHtml(formatTime(entry.suppressionExpires)) : 'never'}</td></tr>`
      );
    },
    '',
    '</tbody></table></section>',
  );
}

function warningSection(report: AuditReport): Piece {
  if (report.warnings.length === 0) return '';
  return rows(
    `<section aria-labelledby="warnings-h"><h2 id="warnings-h">Data warnings <span class="n">(${report.warnings.length})</span></h2>\n` +
      '<p class="muted">Findings may be incomplete for these keys.</p>\n' +
      '<table class="list"><thead><tr><th>Key</th><th>Field</th><th>Problem</th></tr></thead>\n<tbody>',
    report.warnings.length,
    (index) => {
      const warning = report.warnings[index]!;
      return (
        `<tr><td class="mono"><bdi>${warning.credentialId === null ? (warning.index === undefined ? '—' : `item ${warning.index}`) : text(warning.credentialId, 200)}</bdi></td>` +
        `<td class="mono">${text(warning.field, 80)}</td><td>${text(warning.message, 500)}</td></tr>`
      );
    },
    '',
    '</tbody></table></section>',
  );
}

function cleanSection(model: Model): Piece {
  if (model.clean.length === 0) return '';
  return rows(
    `<details class="clean"><summary>Keys without findings (${model.clean.length})</summary>\n` +
      '<table class="list"><thead><tr><th>Key</th><th>Client ID</th><th>Owner</th><th>Expires</th></tr></thead>\n<tbody>',
    model.clean.length,
    (index) => {
      const client = model.clean[index]!;
      return (
        `<tr><td><bdi>${text(client.displayName, 200) || '(no name)'}</bdi></td><td class="mono"><bdi>${text(client.clientId, 300)}</bdi></td>` +
        `<td>${client.owner ? `<bdi>${text(client.owner.displayName ?? client.owner.email ?? client.owner.id, 120)}</bdi>` : '<span class="muted">unknown</span>'}</td>` +
        `<td>${client.expiresTime ? escapeHtml(formatTime(client.expiresTime)) : 'never'}</td></tr>`
      );
    },
    '',
    '</tbody></table></details>',
  );
}

function footer(report: AuditReport): string {
  return (
    `<footer><div class="wrap">Written by ${text(report.tool.name, 80)} ${text(report.tool.version, 40)} · run <span class="mono">${text(report.runId, 80)}</span>` +
    ` · started ${escapeHtml(formatTime(report.startedAt))} · ${report.summary.suppressed} suppressed · ${report.warnings.length} data warning${report.warnings.length === 1 ? '' : 's'}</div></footer>`
  );
}

/** The owner filter's value for a key: its owner's id, or one shared value for keys whose owner is unknown. */
function ownerKey(owner: Finding['owner']): string {
  return owner === null ? '(unknown)' : `user:${owner.id}`;
}

function ownerLabel(owner: Finding['owner']): string {
  if (owner === null) return 'Owner unknown';
  return owner.displayName && owner.email ? `${owner.displayName} <${owner.email}>` : (owner.displayName ?? owner.email ?? owner.id);
}

/** Untrusted text as HTML: one safe line (no controls, no bidi overrides), cut, escaped. */
function text(value: string, maxLength: number): string {
  return escapeHtml(toSafeLine(value, maxLength));
}

function line(value: string, maxLength: number): string {
  return toSafeLine(value, maxLength);
}

/** Only plain https links become links; anything else (javascript:, data:) stays text elsewhere. */
function safeHttpsUrl(value: string): string | null {
  return /^https:\/\/[^\s"'<>\\]+$/.test(value) ? value : null;
}

function capitalise(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256(content: string): string {
  return `sha256-${createHash('sha256').update(content, 'utf8').digest('base64')}`;
}
