import { describe, expect, it } from 'vitest';
import { ocsfEvents, OCSF_VERSION, renderOcsf } from '../../src/report/render/ocsf.js';
import { finding } from '../lifecycle/sample-findings.js';
import { sampleReport } from './sample-report.js';

const ASOF = '2026-11-26T21:33:16.000Z';
const ASOF_MS = Date.parse(ASOF);
const owner = { id: 'u1', email: 'ada@example.com', displayName: 'Ada Lovelace', status: 'ENABLED' };

function report() {
  return sampleReport(
    {
      asOf: ASOF,
      resolved: [
        {
          fingerprint: 'unused:gone',
          ruleId: 'unused',
          severity: 'medium',
          title: 'Key not used recently',
          credentialId: 'gone',
          clientId: 'gone-1@acme.conductor.one/pcc',
          displayName: 'Retired key',
          firstSeenAt: '2026-10-01T07:00:00.000Z',
        },
      ],
    },
    [
      finding({
        credentialId: 'new',
        severity: 'critical',
        ruleId: 'broad-cidr',
        title: 'Allowed source range too broad',
        message: 'allows 0.0.0.0/0',
        owner,
        evidence: { offending: ['0.0.0.0/0'] },
        reference: 'https://www.conductorone.com/docs/conductorone-api/api#create-a-personal-api-key',
        firstSeenAt: ASOF,
      }),
      finding({ credentialId: 'old', severity: 'low', ruleId: 'long-lived', title: 'Key lifetime too long', firstSeenAt: '2026-11-01T07:00:00.000Z' }),
    ],
  );
}

describe('OCSF rendering', () => {
  it('is a JSON array with one Detection Finding per open and per resolved finding', () => {
    const parsed = JSON.parse(renderOcsf(report())) as Record<string, unknown>[];
    expect(Array.isArray(parsed)).toBe(true);
    expect(parsed).toHaveLength(3);
    for (const event of parsed) {
      expect(event).toMatchObject({ class_uid: 2004, class_name: 'Detection Finding', category_uid: 2, category_name: 'Findings', time: ASOF_MS, timezone_offset: 0 });
      expect(event.type_uid).toBe(200400 + (event.activity_id as number));
      expect(event.metadata).toMatchObject({ version: OCSF_VERSION, product: { name: 'c1-credential-hygiene', version: '0.1.0' } });
    }
    expect(OCSF_VERSION).toMatch(/^1\.\d+\.\d+$/);
  });

  it('a finding first seen this run is activity 1 (Create), with every field from the finding', () => {
    const [created] = ocsfEvents(report());
    expect(created).toEqual({
      class_uid: 2004,
      class_name: 'Detection Finding',
      category_uid: 2,
      category_name: 'Findings',
      activity_id: 1,
      activity_name: 'Create',
      type_uid: 200401,
      type_name: 'Detection Finding: Create',
      severity_id: 5,
      severity: 'Critical',
      time: ASOF_MS,
      timezone_offset: 0,
      message: 'allows 0.0.0.0/0',
      status_id: 1,
      status: 'New',
      is_alert: true,
      confidence_id: 3,
      confidence: 'High',
      metadata: {
        version: OCSF_VERSION,
        product: { name: 'c1-credential-hygiene', version: '0.1.0' },
        uid: 'run-1:broad-cidr:new',
        correlation_uid: 'run-1',
        log_name: 'c1-hygiene report',
        tenant_uid: 'acme.conductor.one',
        original_time: ASOF,
      },
      finding_info: {
        uid: 'broad-cidr:new',
        title: 'Allowed source range too broad',
        desc: 'allows 0.0.0.0/0',
        types: ['broad-cidr'],
        first_seen_time: ASOF_MS,
        last_seen_time: ASOF_MS,
        src_url: 'https://www.conductorone.com/docs/conductorone-api/api#create-a-personal-api-key',
        analytic: { uid: 'broad-cidr', name: 'Allowed source range too broad', type_id: 1, type: 'Rule' },
      },
      remediation: {
        desc: 'Create a replacement key with an expiry date and delete this one.',
        references: ['https://www.conductorone.com/docs/conductorone-api/api#create-a-personal-api-key'],
      },
      resources: [
        {
          uid: 'new',
          uid_alt: 'otter-new@acme.conductor.one/pcc',
          name: 'Key new',
          type: 'ConductorOne personal API key',
          owner: { uid: 'u1', name: 'Ada Lovelace', display_name: 'Ada Lovelace', email_addr: 'ada@example.com' },
        },
      ],
      unmapped: { risk: 'A key without expiry stays usable forever if it leaks.', evidence: { offending: ['0.0.0.0/0'] } },
    });
  });

  it('a finding seen before is activity 2 (Update), low is severity 2, and an unknown owner is left out', () => {
    const updated = ocsfEvents(report())[1]!;
    expect(updated).toMatchObject({ activity_id: 2, activity_name: 'Update', type_uid: 200402, severity_id: 2, severity: 'Low', status_id: 1 });
    expect(updated.finding_info).toMatchObject({ uid: 'long-lived:old', title: 'Key lifetime too long', first_seen_time: Date.parse('2026-11-01T07:00:00.000Z') });
    expect((updated.resources as Record<string, unknown>[])[0]).not.toHaveProperty('owner');
  });

  it('a resolved finding is activity 3 (Close) and keeps its last severity and title', () => {
    const closed = ocsfEvents(report())[2]!;
    expect(closed).toMatchObject({
      activity_id: 3,
      activity_name: 'Close',
      type_uid: 200403,
      severity_id: 3,
      severity: 'Medium',
      status_id: 4,
      status: 'Resolved',
      is_alert: false,
      message: 'resolved: Key not used recently',
      finding_info: { uid: 'unused:gone', title: 'Key not used recently', types: ['unused'], first_seen_time: Date.parse('2026-10-01T07:00:00.000Z') },
      resources: [{ uid: 'gone', uid_alt: 'gone-1@acme.conductor.one/pcc', name: 'Retired key', type: 'ConductorOne personal API key' }],
    });
  });

  it('maps every severity to its OCSF id', () => {
    const severities = ['info', 'low', 'medium', 'high', 'critical'] as const;
    const events = ocsfEvents(sampleReport({ asOf: ASOF }, severities.map((severity) => finding({ credentialId: severity, severity, firstSeenAt: ASOF }))));
    const ids = Object.fromEntries(events.map((event) => [(event.finding_info as { uid: string }).uid.split(':')[1], event.severity_id]));
    expect(ids).toEqual({ info: 1, low: 2, medium: 3, high: 4, critical: 5 });
  });

  it('renders an empty array for a report with nothing open or resolved', () => {
    expect(JSON.parse(renderOcsf(sampleReport({}, [])))).toEqual([]);
  });
});
