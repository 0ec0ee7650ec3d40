// Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core
// (never a downloaded browser), plus screenshots into <repo>/test-artifacts/.

import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium } from 'playwright-core';

import { repoRoot } from './server.mjs';

/** Where screenshots go (ignored by git). */
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

/** Launches headless Chromium. Close it in an `after` hook. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.PARLOUR_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Saves a PNG of the page as `<repo>/test-artifacts/<name>.png` and returns its path. */
export async function screenshot(page, name) {
  await mkdir(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/**
 * Collects the page's uncaught errors and console errors, so a test can assert there were none.
 * Returns the (live) array of strings.
 */
export function collectPageErrors(page) {
  const errors = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url;
    errors.push(`console: ${msg.text()}${where ? ` (${where.replace(/#.*$/, '')})` : ''}`);
  });
  return errors;
}
