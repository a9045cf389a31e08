import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { composeRemediationMail } from '../../src/remediation/mail.js';
import { renderPlan } from '../../src/remediation/render.js';
import { PLAN_KIND, RECORD_KIND, type RemediationPlan, type RemediationRecord } from '../../src/remediation/types.js';

// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function planWith(displayName: string, clientId: string, message: string): RemediationPlan {
  return {
    kind: PLAN_KIND,
    schemaVersion: 1,
    tool: { name: 'c1-credential-hygiene', version: '0' },
    planId: 'p',
    createdAt: '2026-11-26T10:00:00.000Z',
    tenant: 'acme.conductor.one',
    scope: 'self',
    config: { source: null, rules: ['expired'], maxDeletes: 10 },
    candidates: 1,
    keys: [
      {
        id: 'k1',
        clientId,
        displayName,
        owner: { id: 'u1', email: displayName, displayName, status: 'ENABLED' },
        severity: 'low',
        reasons: [{ ruleId: 'expired', severity: 'low', fingerprint: 'f', message }],
        expiresTime: '2026-11-01T00:00:00.000Z',
        lastUsedAt: null,
        createdAt: null,
      },
    ],
    heldBack: [{ id: 'k2', clientId, displayName, reason: 'suppressed', detail: message }],
    heldBackMore: 0,
    sha256: '0'.repeat(64),
  };
}

describe('API text in the plan table and the apply message', () => {
  it('never carries control or bidi characters, whatever the API sent', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 100 }), fc.string({ maxLength: 300 }), (name, clientId, message) => {
        const table = renderPlan(planWith(name, clientId, message), '/tmp/plan.json', []);
        expect(table).not.toMatch(UNSAFE);
        // Every line the table has is one the renderer made: none starts with API text.
        for (const line of table.split('\n')) expect(line.length).toBeLessThan(700);

        const record: RemediationRecord = {
          kind: RECORD_KIND,
          schemaVersion: 1,
          tool: { name: 'c1-credential-hygiene', version: '0' },
          runId: 'r',
          planId: 'p',
          planPath: '/tmp/plan.json',
          planSha256: '0'.repeat(64),
          tenant: 'acme.conductor.one',
          scope: 'self',
          startedAt: '2026-11-26T10:00:00.000Z',
          finishedAt: '2026-11-26T10:00:01.000Z',
          summary: { planned: 1, deleted: 0, skipped: 1, failed: 0 },
          keys: [{ id: 'k1', clientId, displayName: name, owner: null, outcome: { status: 'skipped', reason: message } }],
        };
        const mail = composeRemediationMail({ record, recordPath: null, from: 'a@example.com', to: ['b@example.com'] });
        expect(mail.subject).not.toMatch(UNSAFE);
        expect(mail.text).not.toMatch(UNSAFE);
        expect(mail.html).not.toMatch(/<(?!\/?(?:!DOCTYPE|html|head|meta|body|h2|h3|p|br|table|tr|th|td)\b)/i);
      }),
      { numRuns: 200 },
    );
  });
});
