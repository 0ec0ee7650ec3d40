// The npm package in a bundled app: scripts/build-npm.sh packs @parlour/chat-widget, a fresh app
// in a temp dir installs the tarball (offline), esbuild bundles `import '@parlour/chat-widget'`,
// a tiny HTTP server on its own origin serves it (so the widget talks to Parlour cross-origin:
// CORS), and Chromium sends a message through it.
//
// Needs `scripts/build-widget.sh` (dist/) and `cargo build -p parlour-server` first.
//   node --test tests/e2e/npm.test.mjs             (PARLOUR_DIST=<dir> to test another build)

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { collectPageErrors } from './lib/browser.mjs';
import { repoRoot } from './lib/server.mjs';
import { useSuite } from './lib/suite.mjs';

const esbuild = path.join(repoRoot, 'tools', 'node_modules', '.bin', 'esbuild');
const WAIT = { timeout: 20_000 };
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm' };

describe('npm package', () => {
  const suite = useSuite({ requires: ['widget/loader.js', esbuild] });
  // The host app: installed from the tarball in a temp dir, served from its own origin.
  let app;
  let site;

  before(() => {
    app = mkdtempSync(path.join(tmpdir(), 'parlour-npm-app-'));
  });
  after(async () => {
    await new Promise((resolve) => (site ? site.close(resolve) : resolve()));
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('installs from the tarball, bundles, registers <chat-widget> and sends a message', async () => {
    const tarball = execFileSync(path.join(repoRoot, 'scripts', 'build-npm.sh'), {
      env: { ...process.env, PARLOUR_DIST: suite.dist },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }).trim().split('\n').at(-1);
    assert.ok(existsSync(tarball), tarball);

    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'host-app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: app, stdio: 'inherit' });
    const pkgDir = path.join(app, 'node_modules', '@parlour', 'chat-widget');
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    assert.equal(pkg.type, 'module');
    assert.equal(pkg.types, './index.d.ts');
    assert.match(readFileSync(path.join(pkgDir, 'index.d.ts'), 'utf8'), /'chat-widget': ChatWidgetElement/);

    writeFileSync(path.join(app, 'main.js'), `import '@parlour/chat-widget';\nwindow.__registered = !!customElements.get('chat-widget');\n`);
    execFileSync(esbuild, ['main.js', '--bundle', '--format=esm', '--outdir=public', '--log-level=warning'], { cwd: app, stdio: 'inherit' });
    // esbuild does not emit `new URL('./x.wasm', import.meta.url)` assets: copy the wasm beside the bundle.
    for (const f of readdirSync(pkgDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(path.join(pkgDir, f), path.join(app, 'public', f));
    writeFileSync(
      path.join(app, 'public', 'index.html'),
      `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="main.js"></script></head>
<body><h1>A bundled app</h1><chat-widget project-id="demo" api-base-url="${suite.server.baseUrl}" title="From npm"></chat-widget></body></html>`,
    );

    site = createServer((req, res) => {
      const name = new URL(req.url, 'http://x').pathname.replace(/^\/$/, '/index.html');
      const file = path.join(app, 'public', path.normalize(name).replace(/^(\.\.[/\\])+/, ''));
      if (!existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));

    const page = await suite.browser.newPage();
    const errors = collectPageErrors(page);
    await page.goto(`http://127.0.0.1:${site.address().port}/`);
    assert.equal(await page.evaluate(() => window.__registered), true);
    const host = page.locator('chat-widget');
    await host.locator('button.launcher').click();
    const composer = host.getByLabel('Message', { exact: true });
    await composer.waitFor(WAIT);
    await composer.fill('hello from a bundled app');
    await composer.press('Enter');
    await host.locator('.message.own[data-state="sent"]', { hasText: 'hello from a bundled app' }).waitFor(WAIT);
    assert.deepEqual(errors, []);
    await page.close();
  });
});
