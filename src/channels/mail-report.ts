import { open } from 'node:fs/promises';
import type { DigestReport } from '../alerts/compose.js';
import { safeHttpsUrl } from '../alerts/html.js';
import type { DigestDelivery } from './types.js';

/**
 * How a digest e-mail carries the full report: a link to `report.publicUrl`,
 * the HTML report attached, or (when neither is possible) where the report
 * is on the audit host and why it is not attached.
 */

/** Larger reports are not attached: many mail systems refuse messages past ~10 MB, and base64 adds a third. */
export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;

/** What the mail says without reading any file: for previews, and the basis of `reportForMail`. */
export function reportWithoutReading(delivery: DigestDelivery): DigestReport {
  const location = delivery.reportLocation;
  // Set only to `report.publicUrl`; a path on the audit host never starts with https://.
  if (location !== null && safeHttpsUrl(location) !== null && !delivery.htmlReportPath) return { kind: 'link', url: location };
  if (location === null) return { kind: 'not-attached', reason: 'dry run', path: null };
  return { kind: 'not-attached', reason: 'on the audit host; the HTML report is attached only when `html` is among report.formats', path: location };
}

/**
 * Reads the run's HTML report for attaching, at most `maxBytes` of it. A
 * report that is too large or cannot be read is not attached, and the mail
 * says so and where it is: the digest itself is never held back by it.
 */
export async function reportForMail(delivery: DigestDelivery, maxBytes = ATTACHMENT_MAX_BYTES): Promise<DigestReport> {
  const path = delivery.htmlReportPath;
  if (!path) return reportWithoutReading(delivery);
  let content: Buffer | null;
  try {
    content = await readAtMost(path, maxBytes);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { kind: 'not-attached', reason: `the HTML report could not be read${typeof code === 'string' ? ` (${code})` : ''}`, path };
  }
  if (content === null) {
    return { kind: 'not-attached', reason: `the HTML report is larger than the ${formatSize(maxBytes)} attachment limit`, path };
  }
  return { kind: 'attached', attachment: { filename: attachmentName(delivery.asOf), contentType: 'text/html; charset=utf-8', content } };
}

/** The file's bytes, or null when it has more than `maxBytes` (read through one handle, so a swap between checks cannot slip past the cap). */
async function readAtMost(path: string, maxBytes: number): Promise<Buffer | null> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) return null;
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return length > maxBytes ? null : buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** `c1-hygiene-report-20261126T0700Z.html`: built from our own timestamp only, as it ends up in a MIME header. */
export function attachmentName(asOf: string): string {
  // Only an ISO time: Date.parse reads much else ("x 1" is a date in 2001).
  const time = /^\d{4}-\d{2}-\d{2}T/.test(asOf) ? Date.parse(asOf) : Number.NaN;
  if (Number.isNaN(time)) return 'c1-hygiene-report.html';
  const stamp = new Date(time).toISOString().slice(0, 16).replace(/[-:]/g, '');
  return `c1-hygiene-report-${stamp}Z.html`;
}

function formatSize(bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  return megabytes >= 1 ? `${Math.round(megabytes * 10) / 10} MB` : `${bytes}-byte`;
}
