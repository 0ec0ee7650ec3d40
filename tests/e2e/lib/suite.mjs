// The set-up every browser suite shares, in one call: check that the widget is built, start the
// real server, launch Chromium, sign in to the agent API, and tear it all down again.
//
//   const suite = useSuite({ requires: ['chat-widget.js'] });   // inside describe(), or top level
//   it('…', async () => {
//     const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
//     await page.goto(`${suite.server.baseUrl}/`);
//     await suite.agent.reply(id, 'Hello');
//   });
//
// What only one suite needs (a proxy, the admin CLI, an npm tarball) stays in that suite, in
// hooks of its own: node:test runs `before` hooks in the order they were registered, so a
// suite's own `before` after `useSuite` already sees the server and the browser.

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { agentApi } from './agent.mjs';
import { collectPageErrors, launchBrowser } from './browser.mjs';
import { requireBuilt } from './built.mjs';
import { startHostSite } from './host-site.mjs';
import { distDir, startServer } from './server.mjs';

/** The viewport most suites use, a laptop screen. */
export const DESKTOP = { width: 1280, height: 800 };

/**
 * Registers `before`/`after` hooks for a suite and returns its handle, filled in by `before`.
 * @param {object} [options]
 * @param {string[]} [options.requires] files under the widget build that must exist (checked now,
 *   so a missing build fails the suite instead of skipping it)
 * @param {string[]} [options.serverArgs] extra parlour-server flags
 * @param {Record<string,string>} [options.env] extra environment for the server
 * @param {boolean} [options.writableAssets] serve a temporary copy of the build, so that tests can
 *   add same-origin host pages to it (`writePage`): a page the browser did not get from the
 *   server's own origin may not open a socket to 127.0.0.1
 * @param {boolean} [options.hostSite] also start a third-party site on its own origin (`site`)
 */
export function useSuite({ requires = [], serverArgs = [], env = {}, writableAssets = false, hostSite = false } = {}) {
  requireBuilt(distDir, ...requires);
  let pages = 0;

  const suite = {
    /** Where the widget build is (`$PARLOUR_DIST`, else `<repo>/dist`). */
    dist: distDir,
    /** What the server serves at `/`: the build, or its writable copy. */
    assetsDir: distDir,
    /** The running server (lib/server.mjs). */
    server: undefined,
    /** Headless Chromium (lib/browser.mjs). */
    browser: undefined,
    /** The agent API signed in with the server's token; it follows the server across restarts. */
    agent: undefined,
    /** With `hostSite`: `{ origin, pages, close }` (lib/host-site.mjs). */
    site: undefined,

    /** A page in a fresh browser context (`contextOptions` as for `browser.newContext`), with
     *  its uncaught and console errors collected: `{ context, page, errors }`. */
    async newPage(contextOptions = {}) {
      const context = await suite.browser.newContext(contextOptions);
      const page = await context.newPage();
      return { context, page, errors: collectPageErrors(page) };
    },

    /** With `writableAssets`: writes `html` as a new page beside the widget and returns its URL. */
    writePage(html) {
      if (!writableAssets) throw new Error('writePage needs useSuite({ writableAssets: true })');
      const name = `host-${++pages}.html`;
      writeFileSync(path.join(suite.assetsDir, name), html);
      return `${suite.server.baseUrl}/${name}`;
    },
  };

  before(async () => {
    if (writableAssets) {
      suite.assetsDir = mkdtempSync(path.join(tmpdir(), 'parlour-assets-'));
      cpSync(distDir, suite.assetsDir, { recursive: true });
    }
    const server = await startServer({ assetsDir: suite.assetsDir, args: serverArgs, env });
    suite.server = server;
    suite.agent = agentApi(() => server.baseUrl, server.agentToken);
    if (hostSite) suite.site = await startHostSite();
    suite.browser = await launchBrowser();
  });

  after(async () => {
    await suite.browser?.close();
    await suite.site?.close();
    await suite.server?.close();
    if (suite.assetsDir !== distDir) rmSync(suite.assetsDir, { recursive: true, force: true });
  });

  return suite;
}
