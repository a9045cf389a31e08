import { createHmac } from 'node:crypto';
import type { HttpChannelConfig } from '../config/types.js';
import type { DueFinding } from '../lifecycle/types.js';
import { createJsonPoster, type JsonPoster } from '../net/json-post.js';
import { secretRedactor, secretUrlForms } from '../redact.js';
import type { ResolvedFinding } from '../report/types.js';
import type { Finding } from '../rules/types.js';
import type { Secret } from '../secret.js';
import type { HttpChannelDeps } from './http-channel-deps.js';
import type { Channel, DigestDelivery, FailureNoticeDelivery } from './types.js';

export interface WebhookChannelConfig extends HttpChannelConfig {
  url: Secret;
  /** HMAC-SHA256 key; null = deliveries are not signed. */
  secret: Secret | null;
}

export const WEBHOOK_SCHEMA_VERSION = 1;
export const DELIVERY_HEADER = 'X-C1-Hygiene-Delivery';
export const SIGNATURE_HEADER = 'X-C1-Hygiene-Signature-256';

/** A due finding as the webhook sends it: the report's finding plus why it is due. */
export type WebhookDueFinding = Finding & { reason: DueFinding['dueReason'] };

export interface WebhookAlert {
  schemaVersion: typeof WEBHOOK_SCHEMA_VERSION;
  type: 'c1-hygiene.alert';
  deliveryId: string;
  tenant: string;
  runId: string;
  asOf: string;
  due: WebhookDueFinding[];
  resolved: ResolvedFinding[];
}

export interface WebhookFailure {
  schemaVersion: typeof WEBHOOK_SCHEMA_VERSION;
  type: 'c1-hygiene.failure';
  deliveryId: string;
  tenant: string;
  runId: string;
  startedAt: string;
  error: string;
}

/** The alert body: data for machines, so values are passed on as the API sent them (JSON-escaped, not trimmed). */
export function webhookAlertBody(delivery: DigestDelivery): WebhookAlert {
  return {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    type: 'c1-hygiene.alert',
    deliveryId: delivery.deliveryId,
    tenant: delivery.tenant,
    runId: delivery.runId,
    asOf: delivery.asOf,
    due: delivery.due.map(({ dueReason, ...finding }) => ({ ...finding, reason: dueReason })),
    resolved: delivery.resolved,
  };
}

export function webhookFailureBody(notice: FailureNoticeDelivery): WebhookFailure {
  return {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    type: 'c1-hygiene.failure',
    deliveryId: notice.deliveryId,
    tenant: notice.tenant,
    runId: notice.runId,
    startedAt: notice.startedAt,
    error: notice.error,
  };
}

/** `sha256=<hex>` of the exact bytes sent, as GitHub signs its webhooks. */
export function webhookSignature(rawBody: string, key: string): string {
  return `sha256=${createHmac('sha256', key).update(rawBody, 'utf8').digest('hex')}`;
}

/** Headers of one delivery; the same on every HTTP retry, since the body and the delivery id are. */
export function webhookHeaders(rawBody: string, deliveryId: string, key: string | null): Record<string, string> {
  const headers: Record<string, string> = { [DELIVERY_HEADER]: deliveryId };
  if (key !== null) headers[SIGNATURE_HEADER] = webhookSignature(rawBody, key);
  return headers;
}

/**
 * Posts one signed JSON document per run to any HTTPS endpoint. The body is
 * serialised once per delivery, so the signature covers exactly the bytes
 * sent, and retries send the very same bytes with the same delivery id:
 * a receiver can de-duplicate on `X-C1-Hygiene-Delivery`.
 */
export function webhookChannel(config: WebhookChannelConfig, deps: HttpChannelDeps): Channel {
  let poster: JsonPoster | null = null;
  const key = config.secret?.reveal() ?? null;
  const secrets = [...secretUrlForms(config.url.reveal()), key];
  const redact = secretRedactor(secrets);
  const post = async (body: WebhookAlert | WebhookFailure): Promise<void> => {
    poster ??= createJsonPoster({
      label: 'webhook',
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      deadlineMs: config.deadlineMs,
      secrets,
      ...deps,
    });
    const raw = JSON.stringify(body);
    await poster.post({ url: new URL(config.url.reveal()), body: raw, headers: webhookHeaders(raw, body.deliveryId, key) });
    deps.logger.debug({ channel: 'webhook', deliveryId: body.deliveryId, type: body.type }, 'webhook accepted the delivery');
  };
  return {
    id: 'webhook',
    label: 'webhook',
    sendDigest: (delivery) => post(webhookAlertBody(delivery)),
    // The caller redacts the error; this channel's own URL and key are blanked once more, in case.
    sendFailureNotice: (notice) => post(webhookFailureBody({ ...notice, error: redact(notice.error) })),
    preview: (delivery) => webhookAlertBody(delivery),
    close() {
      poster?.close().catch(() => undefined);
      poster = null;
    },
  };
}
