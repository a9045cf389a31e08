import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACHMENT_MAX_BYTES, attachmentName, reportForMail, reportWithoutReading } from '../../src/channels/mail-report.js';
import type { DigestDelivery } from '../../src/channels/types.js';
import { digestDelivery } from './deliveries.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'c1-mail-report-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function delivery(overrides: Partial<DigestDelivery>): DigestDelivery {
  return digestDelivery({ asOf: '2026-11-26T07:00:00.000Z', ...overrides });
}

describe('how a digest carries the report', () => {
  it('attaches the HTML report with its exact bytes, under a name built from the run time only', async () => {
    const path = join(dir, 'latest.html');
    const content = Buffer.from('<!DOCTYPE html><title>r</title>\u00e9');
    await writeFile(path, content);
    const report = await reportForMail(delivery({ htmlReportPath: path }));
    expect(report).toEqual({ kind: 'attached', attachment: { filename: 'c1-hygiene-report-20261126T0700Z.html', contentType: 'text/html; charset=utf-8', content } });
  });

  it('the default limit is 5 MB', async () => {
    expect(ATTACHMENT_MAX_BYTES).toBe(5 * 1024 * 1024);
    const path = join(dir, 'huge.html');
    await writeFile(path, Buffer.alloc(ATTACHMENT_MAX_BYTES + 1, 'x'));
    expect(await reportForMail(delivery({ htmlReportPath: path }))).toEqual({ kind: 'not-attached', reason: 'the HTML report is larger than the 5 MB attachment limit', path });
  });

  it('does not attach a report above the size limit, and says so and where it is', async () => {
    const path = join(dir, 'big.html');
    await writeFile(path, Buffer.alloc(2049, 'x'));
    const report = await reportForMail(delivery({ htmlReportPath: path }), 2048);
    expect(report).toEqual({ kind: 'not-attached', reason: 'the HTML report is larger than the 2048-byte attachment limit', path });
    const atLimit = await reportForMail(delivery({ htmlReportPath: path }), 2049);
    expect(atLimit.kind).toBe('attached');
  });

  it('a report that cannot be read is not attached; the digest still goes out saying where it should be', async () => {
    const path = join(dir, 'missing.html');
    expect(await reportForMail(delivery({ htmlReportPath: path }))).toEqual({ kind: 'not-attached', reason: 'the HTML report could not be read (ENOENT)', path });
  });

  it('links report.publicUrl; shows the path otherwise; says when no report was written', () => {
    expect(reportWithoutReading(delivery({ reportLocation: 'https://reports.example.com/latest.html' }))).toEqual({ kind: 'link', url: 'https://reports.example.com/latest.html' });
    expect(reportWithoutReading(delivery({ reportLocation: '/srv/r.json' }))).toMatchObject({ kind: 'not-attached', path: '/srv/r.json' });
    expect(reportWithoutReading(delivery({ reportLocation: null }))).toEqual({ kind: 'not-attached', reason: 'dry run', path: null });
  });

  it('names the attachment from our own timestamp, never from anything else', () => {
    expect(attachmentName('2026-11-26T07:00:59.999Z')).toBe('c1-hygiene-report-20261126T0700Z.html');
    expect(attachmentName('not a time\r\nX: 1')).toBe('c1-hygiene-report.html');
  });
});
