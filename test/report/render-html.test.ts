import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render/html.js';
import type { AuditReport, ReportClient } from '../../src/report/types.js';
import type { Finding } from '../../src/rules/types.js';
import { finding } from '../lifecycle/sample-findings.js';
import { hostileText } from './hostile-text.js';
import { sampleReport } from './sample-report.js';

const ASOF = '2026-11-26T07:00:00.000Z';
const HOSTILE = '<img src=x onerror=alert(1)></script><script>alert(2)</script>\u202egnp.exe "quoted" & \'single\'';

function client(id: string, overrides: Partial<ReportClient> = {}): ReportClient {
  return {
    id,
    clientId: `otter-${id}@acme.conductor.one/pcc`,
    displayName: `Key ${id}`,
    userId: 'user-1',
    owner: null,
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresTime: '2026-12-10T00:00:00.000Z',
    lastUsedAt: '2026-11-25T00:00:00.000Z',
    allowSourceCidr: [],
    scopedRoles: [],
    invalidFields: [],
    findings: [],
    ...overrides,
  };
}

function reportWith(findings: Finding[], clients: ReportClient[], overrides: Partial<AuditReport> = {}): AuditReport {
  return sampleReport({ asOf: ASOF, clients, summary: { ...sampleReport().summary, clientsScanned: clients.length, findings: findings.length }, ...overrides }, findings);
}

function inlineBlock(html: string, tag: 'style' | 'script'): string {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(html);
  if (!match?.[1]) throw new Error(`no <${tag}>`);
  return match[1];
}

const sha = (text: string): string => `sha256-${createHash('sha256').update(text).digest('base64')}`;

describe('HTML rendering', () => {
  const hostileFinding = finding({ credentialId: 'evil', displayName: HOSTILE, message: HOSTILE, firstSeenAt: ASOF });
  const html = renderHtml(
    reportWith([hostileFinding, finding({ credentialId: 'b', severity: 'critical', ruleId: 'broad-cidr', firstSeenAt: '2026-11-01T00:00:00.000Z' })], [client('evil', { displayName: HOSTILE }), client('b'), client('clean')]),
  );

  it('is one self-contained page: a strict CSP that allows only its own style and script, by hash', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
    expect(csp).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`style-src '${sha(inlineBlock(html, 'style'))}'`);
    expect(csp).toContain(`script-src '${sha(inlineBlock(html, 'script'))}'`);
    expect(csp).toContain("base-uri 'none'");
    // Nothing to fetch: no external scripts, styles, images, fonts or frames.
    expect(html).not.toMatch(/<(?:link|script|img|iframe)[^>]+(?:src|href)="(?!data:)/i);
    expect(html).not.toMatch(/url\(/i);
    expect(html).not.toMatch(/ style="/i);
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('escapes text from the API and drops bidi overrides', () => {
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('\u202e');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt; gnp.exe &quot;quoted&quot; &amp; &#39;single&#39;');
  });

  it('lists each key with findings worst first, the new ones tagged, and the clean ones apart', () => {
    const rows = [...html.matchAll(/<article class="key w-(\w+)"/g)].map((match) => match[1]);
    expect(rows).toEqual(['critical', 'high']);
    expect(html).toContain('<span class="tag">new</span>');
    expect(html).toContain('Keys without findings (1)');
  });

  it('shows resolved findings with their last severity and title', () => {
    const page = renderHtml(
      reportWith([], [client('a')], {
        resolved: [{ fingerprint: 'unused:z', ruleId: 'unused', severity: 'medium', title: 'Key not used recently', credentialId: 'z', clientId: 'z@acme/pcc', displayName: 'Gone key', firstSeenAt: ASOF }],
      }),
    );
    expect(page).toMatch(/Resolved since the last run <span class="n">\(1\)<\/span>/);
    expect(page).toContain('<span class="sev sev-medium">medium</span></td><td>Key not used recently</td>');
  });

  it('says so when there is nothing open, without a filter bar', () => {
    const page = renderHtml(reportWith([], [client('a'), client('b')]));
    expect(page).toContain('No open findings: all 2 scanned keys are clean.');
    expect(page).not.toContain('id="filters"');
  });

  it('renders 10,000 keys, each of them', () => {
    const clients = Array.from({ length: 10_000 }, (_, index) => client(`k${index}`, { expiresTime: new Date(Date.parse(ASOF) + (index % 95) * 86_400_000).toISOString() }));
    const findings = clients.map((c, index) => finding({ credentialId: c.id, severity: (['info', 'low', 'medium', 'high', 'critical'] as const)[index % 5], firstSeenAt: ASOF }));
    const page = renderHtml(reportWith(findings, clients));
    expect(page.match(/<article class="key/g)).toHaveLength(10_000);
    // The timeline labels at most its lanes; the rest are dots with tooltips.
    expect((page.match(/<circle /g) ?? []).length).toBeGreaterThan(9_000);
  });

  it('property: no API text adds or removes markup', () => {
    const markup = (page: string): string => page.replace(/[^<>"]/g, '');
    const baseline = markup(
      renderHtml(reportWith([finding({ credentialId: 'x', displayName: 'x', message: 'x', title: 'x', owner: { id: 'x', email: 'x', displayName: 'x', status: 'DISABLED' }, firstSeenAt: ASOF })], [client('x', { displayName: 'x', clientId: 'x', owner: { id: 'x', email: 'x', displayName: 'x', status: 'DISABLED' } })])),
    );
    fc.assert(
      fc.property(hostileText(), hostileText(), hostileText(20), hostileText(20), (name, message, email, ownerName) => {
        const owner = { id: 'x', email: email || 'x', displayName: ownerName || 'x', status: 'DISABLED' };
        const page = renderHtml(
          reportWith(
            [finding({ credentialId: 'x', displayName: name || 'x', message: message || 'x', title: 'x', owner, firstSeenAt: ASOF })],
            [client('x', { displayName: name || 'x', clientId: 'x', owner })],
          ),
        );
        expect(markup(page)).toBe(baseline);
      }),
      { numRuns: 150 },
    );
  });
});
