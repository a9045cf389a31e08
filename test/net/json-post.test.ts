import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { HygieneError } from '../../src/errors.js';
import { createJsonPoster, type JsonPostOptions } from '../../src/net/json-post.js';
import { secretUrlForms } from '../../src/redact.js';
import { startHttpReceiver, type Answer, type HttpReceiver } from '../helpers/http-receiver.js';
import { unusedPort } from '../helpers/ports.js';
import { manualClock, memoryLogger, recordingSleep } from '../helpers/simulator.js';

const TOKEN_PATH = '/services/T0001/B0002/sEcReTtOkEn0123456789abcd';
const receivers: HttpReceiver[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(...answers: Answer[]): Promise<HttpReceiver> {
  const r = await startHttpReceiver(answers, TOKEN_PATH);
  receivers.push(r);
  return r;
}

function poster(overrides: Partial<JsonPostOptions> = {}) {
  const log = memoryLogger();
  const sleeper = recordingSleep();
  const p = createJsonPoster({
    label: 'Slack',
    timeoutMs: 2_000,
    maxRetries: 2,
    deadlineMs: 60_000,
    logger: log.logger,
    sleep: sleeper.sleep,
    retryBaseDelayMs: 10,
    ...overrides,
  });
  closers.push(() => p.close());
  return { poster: p, log, delays: sleeper.delays };
}

async function failure(promise: Promise<unknown>): Promise<HygieneError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(HygieneError);
  return err as HygieneError;
}

/** Nothing the tool says may carry the URL or any form of its token. */
function expectNoUrl(texts: string[], url: string): void {
  const forms = secretUrlForms(url);
  for (const text of texts) for (const form of forms) expect(text).not.toContain(form);
  for (const text of texts) expect(text).not.toContain('sEcReTtOkEn');
}

describe('a bounded JSON POST', () => {
  test('a 2xx answer is delivered at once; the exact body arrives as application/json', async () => {
    const r = await receiver({ status: 200, body: 'ok' });
    const { poster: p } = poster();
    const body = JSON.stringify({ text: 'hello', n: 1 });
    await expect(p.post({ url: new URL(r.url), body, headers: { 'x-extra': 'yes' } })).resolves.toEqual({ status: 200, attempts: 1 });
    expect(r.requests).toHaveLength(1);
    const [request] = r.requests;
    expect(request?.method).toBe('POST');
    expect(request?.text).toBe(body);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['x-extra']).toBe('yes');
  });

  test('500s are retried with backoff, then a 200 is delivered', async () => {
    const r = await receiver({ status: 500 }, { status: 502 }, { status: 204 });
    const { poster: p, delays, log } = poster({ random: () => 0.5 });
    await expect(p.post({ url: new URL(r.url), body: '{}' })).resolves.toEqual({ status: 204, attempts: 3 });
    expect(r.requests).toHaveLength(3);
    // Ceilings 10 and 20 ms, half of each.
    expect(delays).toEqual([5, 10]);
    expect(log.lines.filter((line) => line.includes('retrying'))).toHaveLength(2);
  });

  test('500s beyond maxRetries fail with the status and the attempts, naming the channel and not the URL', async () => {
    const r = await receiver({ status: 500, body: `internal error at ${TOKEN_PATH}` });
    const { poster: p, log } = poster({ maxRetries: 2, secrets: secretUrlForms(r.url) });
    const err = await failure(p.post({ url: new URL(r.url), body: '{}' }));
    expect(err.code).toBe('ALERT_DELIVERY_FAILED');
    expect(err.exitCode).toBe(4);
    expect(err.message).toBe('Slack did not accept the alert: HTTP 500 after 3 attempts');
    expect(err.details).toMatchObject({ channel: 'Slack', status: 500, attempts: 3 });
    expect(r.requests).toHaveLength(3);
    expectNoUrl([err.message, JSON.stringify(err.details), String(err.stack), log.text()], r.url);
  });

  test('429 with Retry-After in seconds waits exactly that long', async () => {
    const r = await receiver({ status: 429, headers: { 'retry-after': '7' } }, { status: 200 });
    const { poster: p, delays } = poster();
    await p.post({ url: new URL(r.url), body: '{}' });
    expect(delays).toEqual([7000]);
    expect(r.requests).toHaveLength(2);
  });

  test('503 with Retry-After as an HTTP date waits until that date', async () => {
    const time = manualClock();
    const r = await receiver({ status: 503, headers: { 'retry-after': new Date(time.now() + 9000).toUTCString() } }, { status: 200 });
    const { poster: p, delays } = poster({ clock: time.clock });
    await p.post({ url: new URL(r.url), body: '{}' });
    expect(delays).toEqual([9000]);
  });

  test('a Retry-After past the deadline is not waited for: the delivery fails now, for the next run', async () => {
    const r = await receiver({ status: 429, headers: { 'retry-after': '3600' } }, { status: 200 });
    const { poster: p, delays } = poster({ deadlineMs: 60_000 });
    const err = await failure(p.post({ url: new URL(r.url), body: '{}' }));
    expect(err.message).toBe(
      'Slack did not accept the alert: HTTP 429 after 1 attempt; not retried in this run: Slack asked to retry after 3600 s within its 60000 ms deadline',
    );
    expect(err.details).toMatchObject({ status: 429, retryAfterMs: 3_600_000 });
    expect(delays).toEqual([]);
    expect(r.requests).toHaveLength(1);
  });

  test('backoff stops at the deadline, counted on the clock', async () => {
    const time = manualClock();
    const r = await receiver({ status: 503 });
    const sleeps: number[] = [];
    const { poster: p } = poster({
      clock: time.clock,
      sleep: (ms) => {
        sleeps.push(ms);
        time.advance(ms);
        return Promise.resolve();
      },
      random: () => 0.999,
      retryBaseDelayMs: 400,
      maxRetries: 10,
      deadlineMs: 1_000,
    });
    const err = await failure(p.post({ url: new URL(r.url), body: '{}' }));
    // Waits of ~400 and ~799 ms cannot both fit in 1 s: the second is never slept.
    expect(sleeps).toEqual([399]);
    expect(r.requests).toHaveLength(2);
    expect(err.message).toContain('no time is left');
  });

  test('a receiver that never answers cannot hold the call past its timeout', async () => {
    const r = await receiver({ hang: true });
    const { poster: p } = poster({ timeoutMs: 200, maxRetries: 1 });
    const err = await failure(p.post({ url: new URL(r.url), body: '{}' }));
    expect(err.message).toBe('Slack did not answer within 200 ms (2 attempts)');
    expect(err.details).toMatchObject({ errorCode: 'timeout', attempts: 2 });
    expect(r.requests).toHaveLength(2);
  });

  test('the deadline shortens an attempt that would outlast it', async () => {
    const r = await receiver({ hang: true });
    const { poster: p } = poster({ timeoutMs: 600_000, deadlineMs: 250, maxRetries: 0 });
    const err = await failure(p.post({ url: new URL(r.url), body: '{}' }));
    expect(err.details.errorCode).toBe('timeout');
    expect(err.details.timeoutMs).toBeLessThanOrEqual(250);
  });

  test('a dropped connection is retried; the next attempt is delivered', async () => {
    const r = await receiver({ drop: true }, { status: 200 });
    const { poster: p } = poster();
    await expect(p.post({ url: new URL(r.url), body: '{}' })).resolves.toEqual({ status: 200, attempts: 2 });
  });

  test('connections dropped every time fail with the transport error code, not the URL', async () => {
    const r = await receiver({ drop: true });
    const { poster: p, log } = poster({ maxRetries: 1 });
    const err = await failure(p.post({ url: new URL(r.url), body: '{}' }));
    expect(err.message).toMatch(/^could not reach Slack \([A-Z_]+, 2 attempts\)$/);
    expectNoUrl([err.message, JSON.stringify(err.details), log.text()], r.url);
  });

  test('a refused connection fails as a network error after the retries', async () => {
    const port = await unusedPort();
    const { poster: p } = poster({ maxRetries: 1 });
    const err = await failure(p.post({ url: new URL(`http://127.0.0.1:${port}${TOKEN_PATH}`), body: '{}' }));
    expect(err.message).toBe('could not reach Slack (ECONNREFUSED, 2 attempts)');
  });

  test.each([301, 302, 307, 308])('a %i redirect is not followed and not retried', async (status) => {
    const elsewhere = await receiver({ status: 200 });
    const r = await receiver({ status, headers: { location: elsewhere.url } });
    const { poster: p } = poster();
    const err = await failure(p.post({ url: new URL(r.url), body: '{}' }));
    expect(err.message).toBe(`Slack did not accept the alert: HTTP ${status} (a redirect, which is not followed) after 1 attempt`);
    expect(r.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  test.each([400, 403, 404, 410])('HTTP %i is a refusal that retrying cannot fix', async (status) => {
    const r = await receiver({ status, body: 'no_service' });
    const { poster: p } = poster();
    const err = await failure(p.post({ url: new URL(r.url), body: '{}', explainRefusal: (body) => body }));
    expect(err.message).toBe(`Slack did not accept the alert: HTTP ${status} (no_service) after 1 attempt`);
    expect(r.requests).toHaveLength(1);
  });

  test('an explanation that quotes the URL is redacted', async () => {
    const r = await receiver({ status: 400, body: `bad hook ${TOKEN_PATH}` });
    const { poster: p } = poster({ secrets: secretUrlForms(r.url) });
    const err = await failure(p.post({ url: new URL(r.url), body: '{}', explainRefusal: (body) => body }));
    expectNoUrl([err.message], r.url);
    expect(err.message).toContain('[redacted]');
  });

  test('an endless 2xx answer is read up to the cap and the delivery counts', async () => {
    const r = await receiver({ status: 200, streamBytes: 64 * 1024 * 1024 });
    const { poster: p } = poster({ maxResponseBytes: 128 * 1024 });
    await expect(p.post({ url: new URL(r.url), body: '{}' })).resolves.toEqual({ status: 200, attempts: 1 });
  });

  test('an oversized error answer is cut, never quoted whole', async () => {
    const r = await receiver({ status: 500, streamBytes: 8 * 1024 * 1024 });
    const { poster: p } = poster({ maxRetries: 0, maxResponseBytes: 1024 });
    let seen = -1;
    const err = await failure(
      p.post({
        url: new URL(r.url),
        body: '{}',
        explainRefusal: (body) => {
          seen = body.length;
          return body;
        },
      }),
    );
    expect(seen).toBe(1024);
    expect(err.message.length).toBeLessThan(200);
  });

  test('an untrusted certificate fails at once: retrying cannot fix it', async () => {
    const fixtures = new URL('../c1/fixtures/', import.meta.url);
    let handshakes = 0;
    const server = createHttpsServer(
      { cert: readFileSync(new URL('self-signed-cert.pem', fixtures)), key: readFileSync(new URL('self-signed-key.pem', fixtures)) },
      (_req, res) => res.end('ok'),
    );
    server.on('connection', () => (handshakes += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    const { poster: p } = poster({ maxRetries: 3 });
    const err = await failure(p.post({ url: new URL(`https://127.0.0.1:${port}${TOKEN_PATH}`), body: '{}' }));
    expect(err.message).toMatch(/^TLS connection to Slack failed \([A-Z_]+\): its certificate is not valid or not trusted here$/);
    expect(err.details.attempts).toBe(1);
    expect(handshakes).toBe(1);
    expectNoUrl([err.message, JSON.stringify(err.details)], `https://127.0.0.1:${port}${TOKEN_PATH}`);
  });
});
