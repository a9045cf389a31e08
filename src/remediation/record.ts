import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { HygieneError } from '../errors.js';
import { errorMessage, writeFileExclusive } from '../fs/atomic-write.js';
import { fileStamp, numbered } from './plan-file.js';
import type { RemediationRecord } from './types.js';

/**
 * Writes `<report dir>/remediation-<ts>.json`, atomically and never over an
 * earlier record. Report retention does not touch these files: they are the
 * only trace of deletions that cannot be undone.
 */
export async function writeRecordFile(record: RemediationRecord, reportDir: string): Promise<string> {
  const content = `${JSON.stringify(record, null, 2)}\n`;
  const base = `remediation-${fileStamp(record.startedAt)}`;
  try {
    await mkdir(reportDir, { recursive: true, mode: 0o750 });
    return await writeFileExclusive(reportDir, (attempt) => numbered(base, attempt), content, { mode: 0o640 });
  } catch (error) {
    const path = join(reportDir, `${base}.json`);
    throw new HygieneError('REMEDIATION_WRITE_FAILED', `could not write the remediation record to ${path}: ${errorMessage(error)}`, {
      details: { path },
    });
  }
}
