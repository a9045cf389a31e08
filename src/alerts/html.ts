import { escapeHtml } from '../report/sanitize.js';
import type { Severity } from '../severity.js';

/**
 * Minimal, inline-styled HTML for alert mails: many mail clients drop
 * `<style>` blocks, so every element carries its own style attribute.
 * Callers pass plain (already single-line) text; this module escapes it.
 */

export const MAIL_STYLE = {
  body: 'font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#222222;',
  heading: 'font-size:18px;margin:0 0 8px 0;',
  subheading: 'font-size:15px;margin:16px 0 6px 0;',
  paragraph: 'margin:0 0 12px 0;',
  advice: 'margin:8px 0 6px 0;padding:6px 8px;background:#f6f8fa;border-left:3px solid #2e6da4;',
  table: 'border-collapse:collapse;width:100%;',
  cell: 'border:1px solid #dddddd;padding:4px 6px;vertical-align:top;text-align:left;',
  headerCell: 'border:1px solid #dddddd;padding:4px 6px;vertical-align:top;text-align:left;background:#f2f2f2;',
  footer: 'margin:16px 0 0 0;color:#666666;font-size:12px;',
} as const;

export const SEVERITY_COLOURS: Record<Severity, string> = {
  critical: '#8b0000',
  high: '#c0392b',
  medium: '#b9770e',
  low: '#2e6da4',
  info: '#555555',
};

export function htmlTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = headers.map((header) => `<th style="${MAIL_STYLE.headerCell}">${escapeHtml(header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td style="${MAIL_STYLE.cell}">${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table style="${MAIL_STYLE.table}" cellspacing="0" cellpadding="0">\n<tr>${head}</tr>\n${body}\n</table>`;
}

/** Wraps already-escaped parts in a complete document. */
export function htmlDocument(parts: readonly string[]): string {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"></head><body style="${MAIL_STYLE.body}">\n${parts.join('\n')}\n</body></html>\n`;
}

/** Only plain https links become links; anything else (javascript:, data:) stays text. */
export function safeHttpsUrl(value: string): string | null {
  return /^https:\/\/[^\s"'<>\\]+$/.test(value) ? value : null;
}
