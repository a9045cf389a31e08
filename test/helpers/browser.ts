import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium package; `.ci/run` installs it. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export interface BrowserPage {
  page: Page;
  /** Every request the page made, its own document included. */
  requests: string[];
  /** Console errors and uncaught page errors. */
  errors: string[];
  close: () => Promise<void>;
}

/**
 * One Chromium process serves every page open at the same time: starting the
 * browser is the slow part (seconds on a busy machine), while each page still
 * gets a context of its own (an empty, in-memory profile: no cookies, storage
 * or cache shared with any other page). The browser closes with its last page.
 */
let shared: { browser: Promise<Browser>; pages: number } | null = null;

function acquireBrowser(): Promise<Browser> {
  if (!shared) {
    shared = {
      pages: 0,
      browser: chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      }),
    };
    const starting = shared;
    // A failed start must not be handed to the next caller.
    starting.browser.catch(() => {
      if (shared === starting) shared = null;
    });
  }
  shared.pages += 1;
  return shared.browser;
}

async function releaseBrowser(): Promise<void> {
  if (!shared) return;
  shared.pages -= 1;
  if (shared.pages > 0) return;
  const { browser } = shared;
  shared = null;
  await (await browser).close();
}

/**
 * Opens `url` in headless Chromium, in a fresh context (its own empty
 * profile, no background networking), recording requests and errors from the
 * start.
 */
export async function openInChromium(url: string, options: { javaScript: boolean; width?: number; height?: number }): Promise<BrowserPage> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium (.ci/run does)`);
  let context: BrowserContext;
  try {
    const browser = await acquireBrowser();
    context = await browser.newContext({
      javaScriptEnabled: options.javaScript,
      viewport: { width: options.width ?? 1366, height: options.height ?? 900 },
    });
  } catch (error) {
    await releaseBrowser().catch(() => undefined);
    throw error;
  }
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') errors.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    requests,
    errors,
    close: async () => {
      await context.close();
      await releaseBrowser();
    },
  };
}
