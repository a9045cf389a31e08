import { afterEach, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../../src/alerts/capture-server.js';
import { composeFailureNotice } from '../../src/alerts/failure-notice.js';
import { createMailer } from '../../src/alerts/transport.js';
import { HygieneError } from '../../src/errors.js';
import { silentLogger } from '../../src/logger.js';
import { simpleParser } from 'mailparser';
import { emailConfig } from './mail-config.js';

const message = composeFailureNotice({
  tenant: 'demo.conductor.one',
  error: 'simulated outage',
  startedAt: '2026-11-26T07:00:00.000Z',
  runId: 'run-1',
  from: 'c1-hygiene@example.com',
  to: ['security@example.com'],
});

let capture: SmtpCapture | undefined;

afterEach(async () => {
  await capture?.close();
  capture = undefined;
});

async function send(url: string): Promise<void> {
  const mailer = createMailer(emailConfig(url), silentLogger());
  try {
    await mailer!.send(message);
  } finally {
    mailer!.close();
  }
}

describe('startSmtpCapture', () => {
  it('receives a message sent with the product mailer and hands it to onMessage', async () => {
    const seen: Buffer[] = [];
    capture = await startSmtpCapture({ onMessage: (raw) => void seen.push(raw) });
    expect(capture.url).toBe(`smtp://127.0.0.1:${capture.port}`);

    await send(capture.url);

    expect(capture.messages).toHaveLength(1);
    expect(seen).toEqual(capture.messages);
    const parsed = await simpleParser(capture.messages[0]!);
    expect(parsed.subject).toBe('[c1-hygiene] demo.conductor.one: audit failed');
    expect(parsed.text).toContain('simulated outage');
  });

  it('accepts a client that authenticates anyway', async () => {
    capture = await startSmtpCapture();
    await send(`smtp://demo:demo@127.0.0.1:${capture.port}`);
    expect(capture.messages).toHaveLength(1);
  });

  it('refuses the message (451) when onMessage fails, so the sender knows it was not kept', async () => {
    capture = await startSmtpCapture({
      onMessage: () => {
        throw new Error('disk full');
      },
    });
    const error = await send(capture.url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HygieneError);
    expect((error as HygieneError).code).toBe('ALERT_DELIVERY_FAILED');
    expect((error as HygieneError).message).toContain('451');
    expect(capture.messages).toEqual([]);
  });
});
