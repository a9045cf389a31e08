import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../src/report/render/html.js';
import type { AuditReport } from '../../src/report/types.js';
import { openInChromium, type BrowserPage } from '../helpers/browser.js';
import { auditTwice, type AuditedRuns } from './audited-reports.js';

const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>\u202eevil\u2066';

const owners = [
  { id: 'u-ada', email: 'ada@example.com', displayName: 'Ada Lovelace', status: 'ENABLED' },
  { id: 'u-bob', email: 'bob@example.com', displayName: 'Bob <b>Builder</b>', status: 'DISABLED' },
];

/**
 * The HTML report of a real audit (demo keys plus one with a hostile name),
 * owners assigned by hand (the owner lookup fills them in production), opened
 * as a file in Debian's Chromium with JavaScript on and off.
 */
describe('HTML report in a real browser', () => {
  let runs: AuditedRuns;
  let report: AuditReport;
  let url: string;
  let withJs: BrowserPage;
  let withoutJs: BrowserPage;

  beforeAll(async () => {
    runs = await auditTwice({
      formats: ['json'],
      extraKeys: (now) => [
        { id: 'hostile-key-1', clientId: 'hostile-1@acme.conductor.one/pcc', displayName: HOSTILE_NAME, createdAt: new Date(now.getTime() - 864e5 * 10).toISOString(), allowSourceCidr: ['0.0.0.0/0'] },
      ],
    });
    const audited = runs.reports[1]!;
    const ownerOf = (id: string) => owners[[...id].reduce((sum, char) => sum + char.charCodeAt(0), 0) % owners.length]!;
    report = {
      ...audited,
      clients: audited.clients.map((client) => ({ ...client, owner: ownerOf(client.id) })),
      findings: audited.findings.map((finding) => ({ ...finding, owner: ownerOf(finding.credentialId) })),
    };
    const dir = join(runs.dir, 'html');
    await mkdir(dir);
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtml(report));
    url = pathToFileURL(file).href;
    withJs = await openInChromium(url, { javaScript: true });
    withoutJs = await openInChromium(url, { javaScript: false });
    // Two audits and two browser starts: generous on a busy 2-core machine.
  }, 120_000);

  afterAll(async () => {
    await withJs?.close();
    await withoutJs?.close();
    await runs?.cleanup();
  }, 60_000);

  const keysWithFindings = (): number => new Set(report.findings.map((finding) => finding.credentialId)).size;
  const visibleKeys = (page: BrowserPage) => page.page.locator('article.key:visible');

  it('asks for nothing but the page itself and logs no error, with or without JavaScript', async () => {
    // Give late requests (favicon, fonts) a chance to show up.
    await withJs.page.waitForTimeout(150);
    for (const page of [withJs, withoutJs]) {
      expect(page.requests).toEqual([url]);
      expect(page.errors).toEqual([]);
    }
  });

  it('keeps a hostile display name as inert text', async () => {
    for (const page of [withJs, withoutJs]) {
      expect(await page.page.locator('img').count()).toBe(0);
      expect(await page.page.locator('script').count()).toBe(1);
      const text = await page.page.locator('body').innerText();
      expect(text).toContain('<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script> evil');
      expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    }
    expect(await withJs.page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('without JavaScript: every key with findings is visible and the filter bar stays hidden', async () => {
    expect(keysWithFindings()).toBeGreaterThan(8);
    expect(await visibleKeys(withoutJs).count()).toBe(keysWithFindings());
    expect(await withoutJs.page.locator('#filters').isVisible()).toBe(false);
    expect(await withoutJs.page.locator('svg').count()).toBe(2);
  });

  it('with JavaScript: the filters narrow the keys by severity, rule and owner', async () => {
    const { page } = withJs;
    const form = page.locator('#filters');
    expect(await form.isVisible()).toBe(true);
    const total = keysWithFindings();
    expect(await visibleKeys(withJs).count()).toBe(total);
    await expect.poll(() => page.locator('#shown').innerText()).toBe(`${total} of ${total} keys shown`);

    const keysAtLeast = (min: string[]) => new Set(report.findings.filter((f) => min.includes(f.severity)).map((f) => f.credentialId)).size;
    await page.selectOption('select[name=severity]', 'critical');
    expect(await visibleKeys(withJs).count()).toBe(keysAtLeast(['critical']));
    expect(await page.locator('li.finding:visible').evaluateAll((items) => items.every((item) => item.getAttribute('data-severity') === 'critical'))).toBe(true);
    await page.selectOption('select[name=severity]', 'high');
    expect(await visibleKeys(withJs).count()).toBe(keysAtLeast(['critical', 'high']));

    await page.selectOption('select[name=severity]', '');
    await page.selectOption('select[name=rule]', 'expiring-soon');
    expect(await visibleKeys(withJs).count()).toBe(report.findings.filter((f) => f.ruleId === 'expiring-soon').length);

    await page.selectOption('select[name=rule]', '');
    await page.selectOption('select[name=owner]', 'user:u-bob');
    const bobs = new Set(report.findings.filter((f) => f.owner?.id === 'u-bob').map((f) => f.credentialId)).size;
    expect(bobs).toBeGreaterThan(0);
    expect(await visibleKeys(withJs).count()).toBe(bobs);
    await expect.poll(() => page.locator('#shown').innerText()).toBe(`${bobs} of ${total} keys shown`);

    await page.click('#filters button[type=reset]');
    await expect.poll(() => visibleKeys(withJs).count()).toBe(total);
  });

  it('prints: the filter bar is left out and every key stays', async () => {
    await withJs.page.emulateMedia({ media: 'print' });
    expect(await withJs.page.locator('#filters').isVisible()).toBe(false);
    expect(await visibleKeys(withJs).count()).toBe(keysWithFindings());
    const pdf = await withJs.page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await withJs.page.emulateMedia({ media: 'screen' });
  });

  it('fits a laptop screen without sideways scrolling', async () => {
    for (const width of [1280, 1024, 800]) {
      await withJs.page.setViewportSize({ width, height: 800 });
      const overflow = await withJs.page.evaluate(() => {
        const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return root.scrollWidth - root.clientWidth;
      });
      expect({ width, overflow }).toEqual({ width, overflow: 0 });
    }
  });
});
