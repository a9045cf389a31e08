import { createHmac, timingSafeEqual } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import type { Channel } from '../../src/channels/types.js';
import { webhookChannel } from '../../src/channels/webhook.js';
import { HygieneError } from '../../src/errors.js';
import { Secret } from '../../src/secret.js';
import { startHttpReceiver, type Answer, type HttpReceiver, type ReceivedRequest } from '../helpers/http-receiver.js';
import { memoryLogger, recordingSleep } from '../helpers/simulator.js';
import { digestDelivery, failureNotice } from './deliveries.js';

const KEY = 'whsec-4f9d2c7b1e8a6035d4c2b1a0f9e8d7c6';
const HOOK_PATH = '/hooks/c1?token=tok-8c1d5e9f2a3b4c6d7e8f9a0b';
const open: Array<{ close: () => unknown }> = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function webhook(secret: string | null, ...answers: Answer[]) {
  return webhookWith({}, secret, ...answers);
}

async function webhookWith(
  limits: { timeoutMs?: number; maxRetries?: number },
  secret: string | null,
  ...answers: Answer[]
): Promise<{ receiver: HttpReceiver; channel: Channel; log: ReturnType<typeof memoryLogger> }> {
  const receiver = await startHttpReceiver(answers.length > 0 ? answers : [{ status: 202 }], HOOK_PATH);
  open.push(receiver);
  const log = memoryLogger();
  const channel = webhookChannel(
    { url: new Secret(receiver.url), secret: secret === null ? null : new Secret(secret), timeoutMs: 1_000, maxRetries: 3, deadlineMs: 30_000, ...limits },
    { logger: log.logger, sleep: recordingSleep().sleep, retryBaseDelayMs: 1 },
  );
  open.push(channel);
  return { receiver, channel, log };
}

/** What a receiver does: recompute the HMAC over the raw bytes it got and compare in constant time. */
function receiverVerifies(request: ReceivedRequest, key: string): boolean {
  const header = request.headers['x-c1-hygiene-signature-256'];
  if (typeof header !== 'string') return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', key).update(request.raw).digest('hex')}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('webhook channel', () => {
  test('posts the alert as the contract shapes it, signed over the raw body', async () => {
    const { receiver, channel } = await webhook(KEY);
    const delivery = digestDelivery({
      resolved: [{ fingerprint: 'f-old', ruleId: 'unused', credentialId: 'cred-9', clientId: 'old@acme.conductor.one/pcc', displayName: 'Old', firstSeenAt: '2026-10-01T00:00:00Z' }],
    });
    await channel.sendDigest(delivery);
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(HOOK_PATH);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-c1-hygiene-delivery']).toBe(delivery.deliveryId);
    expect(receiverVerifies(request, KEY)).toBe(true);
    expect(receiverVerifies(request, `${KEY}x`)).toBe(false);

    const body = JSON.parse(request.text) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['schemaVersion', 'type', 'deliveryId', 'tenant', 'runId', 'asOf', 'due', 'resolved']);
    expect(body).toMatchObject({
      schemaVersion: 1,
      type: 'c1-hygiene.alert',
      deliveryId: delivery.deliveryId,
      tenant: 'acme.conductor.one',
      runId: 'run-0001',
      asOf: '2026-11-26T07:00:00.000Z',
      resolved: delivery.resolved,
    });
    const due = body.due as Array<Record<string, unknown>>;
    expect(due).toHaveLength(3);
    const { dueReason, ...first } = delivery.due[0]!;
    expect(due[0]).toEqual({ ...first, reason: dueReason });
    expect(due[2]).toMatchObject({ ruleId: 'missing-cidr', reason: 'renotify' });
    expect(due[0]).not.toHaveProperty('dueReason');
    expect(channel.preview(delivery)).toEqual(body);
  });

  test('without a secret the delivery is unsigned', async () => {
    const { receiver, channel } = await webhook(null);
    await channel.sendDigest(digestDelivery());
    expect(receiver.requests[0]!.headers).not.toHaveProperty('x-c1-hygiene-signature-256');
    expect(receiver.requests[0]!.headers['x-c1-hygiene-delivery']).toBe(digestDelivery().deliveryId);
  });

  test('retries carry the same delivery id, the same bytes and the same valid signature', async () => {
    const { receiver, channel } = await webhook(KEY, { status: 500 }, { drop: true }, { status: 429, headers: { 'retry-after': '0' } }, { status: 200 });
    await channel.sendDigest(digestDelivery());
    expect(receiver.requests).toHaveLength(4);
    const ids = new Set(receiver.requests.map((r) => r.headers['x-c1-hygiene-delivery']));
    const bodies = new Set(receiver.requests.map((r) => r.text));
    const signatures = new Set(receiver.requests.map((r) => r.headers['x-c1-hygiene-signature-256']));
    expect([ids.size, bodies.size, signatures.size]).toEqual([1, 1, 1]);
    expect(receiver.requests.every((r) => receiverVerifies(r, KEY))).toBe(true);
  });

  test('a failure notice is the same signed POST with type c1-hygiene.failure', async () => {
    const { receiver, channel } = await webhook(KEY);
    const notice = failureNotice();
    await channel.sendFailureNotice(notice);
    const request = receiver.requests[0]!;
    expect(receiverVerifies(request, KEY)).toBe(true);
    expect(request.headers['x-c1-hygiene-delivery']).toBe(notice.deliveryId);
    expect(JSON.parse(request.text)).toEqual({
      schemaVersion: 1,
      type: 'c1-hygiene.failure',
      deliveryId: notice.deliveryId,
      tenant: 'acme.conductor.one',
      runId: 'run-0002',
      startedAt: '2026-11-27T07:00:00.000Z',
      error: 'C1 refused the credentials for POST /auth/v1/token (HTTP 401)',
    });
  });

  test('a failure notice never carries the URL or the signing key, even when the error quoted them', async () => {
    const { receiver, channel } = await webhook(KEY);
    await channel.sendFailureNotice(failureNotice({ error: `bad ${KEY} at ${receiver.url}` }));
    expect(receiver.requests[0]!.text).not.toContain(KEY);
    expect(receiver.requests[0]!.text).not.toContain('tok-8c1d5e9f2a3b4c6d7e8f9a0b');
    expect(receiverVerifies(receiver.requests[0]!, KEY)).toBe(true);
  });

  test('a receiver that echoes the URL and key in its error gets neither into the error or the log', async () => {
    const { receiver, channel, log } = await webhook(KEY, { status: 503, body: `denied ${KEY} ${HOOK_PATH}` }, { status: 401, body: `denied ${KEY} ${HOOK_PATH}` });
    const err = await channel.sendDigest(digestDelivery()).then(
      () => null,
      (e: unknown) => e as HygieneError,
    );
    expect(err).toBeInstanceOf(HygieneError);
    expect(err!.message).toBe('webhook did not accept the alert: HTTP 401 after 2 attempts');
    expect(err!.exitCode).toBe(4);
    for (const text of [err!.message, JSON.stringify(err!.details), String(err!.stack), log.text()]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('tok-8c1d5e9f2a3b4c6d7e8f9a0b');
      expect(text).not.toContain(receiver.url);
    }
  });

  test('a receiver that never answers fails the delivery once its attempts time out', async () => {
    const { receiver, channel } = await webhookWith({ timeoutMs: 300, maxRetries: 1 }, KEY, { hang: true });
    const err = await channel.sendDigest(digestDelivery()).then(
      () => null,
      (e: unknown) => e as HygieneError,
    );
    expect(err?.message).toBe('webhook did not answer within 300 ms (2 attempts)');
    expect(receiver.requests).toHaveLength(2);
  });
});
