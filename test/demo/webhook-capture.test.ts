import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { webhookChannel } from '../../src/channels/webhook.js';
import { startWebhookCapture, type WebhookCapture } from '../../src/demo/webhook-capture.js';
import { silentLogger } from '../../src/logger.js';
import { Secret } from '../../src/secret.js';
import { digestDelivery } from '../channels/deliveries.js';

let capture: WebhookCapture | null = null;
let dir = '';
afterEach(async () => {
  await capture?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the demo's webhook receiver", () => {
  test('saves each delivery with its id and whether its signature held', async () => {
    dir = await mkdtemp(join(tmpdir(), 'c1-hygiene-webhook-'));
    capture = await startWebhookCapture({ dir });
    const limits = { timeoutMs: 2_000, maxRetries: 0, deadlineMs: 10_000 };
    const signed = webhookChannel({ ...limits, url: new Secret(capture.url), secret: new Secret(capture.secret) }, { logger: silentLogger() });
    await signed.sendDigest(digestDelivery());
    signed.close();
    const forged = webhookChannel(
      { ...limits, url: new Secret(capture.url), secret: new Secret('not-the-key-0123456789') },
      { logger: silentLogger() },
    );
    await expect(forged.sendDigest(digestDelivery({ deliveryId: 'forged' }))).rejects.toThrow('HTTP 401');
    forged.close();

    expect(capture.files).toEqual([join(dir, 'webhook-1.json'), join(dir, 'webhook-2.json')]);
    const first = JSON.parse(await readFile(capture.files[0]!, 'utf8')) as Record<string, unknown>;
    expect(first).toMatchObject({ deliveryId: digestDelivery().deliveryId, signatureValid: true, body: { type: 'c1-hygiene.alert', tenant: 'acme.conductor.one' } });
    const second = JSON.parse(await readFile(capture.files[1]!, 'utf8')) as Record<string, unknown>;
    expect(second).toMatchObject({ deliveryId: 'forged', signatureValid: false });
  });
});
