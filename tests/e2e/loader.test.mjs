// The two-stage load: the loader paints the launcher before any wasm is requested, fetches the
// wasm on idle (default), on first open (loading="click") or at once (eager), and the WASM takes
// over seamlessly (the click made while it loaded opens the panel). Also: several widgets and SPA
// remove/re-add leak no sockets, and the files carry the documented cache headers.
//
// Needs `scripts/build-widget.sh` (dist/) and `cargo build -p parlour-server` first.
//   node --test tests/e2e/loader.test.mjs          (PARLOUR_DIST=<dir> to test another build)

import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

import { collectPageErrors } from './lib/browser.mjs';
import { useSuite } from './lib/suite.mjs';
import { WAIT } from './lib/widget.mjs';

// The host pages live on a third-party site (`hostSite`), so the widget loads cross-origin, as
// it does on customers' sites.
const suite = useSuite({ requires: ['widget/loader.js'], hostSite: true });

/** Publishes a host page on the third-party site whose widgets talk to the server; returns its URL. */
function hostPage(name, body) {
  const { server, site } = suite;
  const html = body.replaceAll('<chat-widget ', `<chat-widget api-base-url="${server.baseUrl}" `);
  site.pages.set(`/${name}`, `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="${server.baseUrl}/widget/loader.js"></script></head><body>${html}</body></html>`);
  return `${site.origin}/${name}`;
}

/** Records the page's requests for widget files. */
function recordRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/widget/')) seen.push(u.pathname);
  });
  return { wasm: () => seen.filter((p) => p.endsWith('.wasm')), all: seen };
}

/** Holds every `.wasm` response until `release()`. */
async function holdWasm(page) {
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route('**/*.wasm', async (route) => {
    await gate;
    await route.continue();
  });
  return release;
}

const launcher = (page, nth = 0) => page.locator('chat-widget').nth(nth).locator('button.launcher');
const isOpen = (page, nth = 0) =>
  page.evaluate((i) => document.querySelectorAll('chat-widget')[i].shadowRoot.querySelector('.root')?.dataset.open === 'true', nth);
const waitOpen = (page, nth = 0) =>
  page.waitForFunction((i) => document.querySelectorAll('chat-widget')[i]?.shadowRoot?.querySelector('.root[data-open="true"] .panel'), nth, WAIT);
const waitReady = (page, count = 1) =>
  page.waitForFunction((n) => [...document.querySelectorAll('chat-widget')].filter((e) => e._w).length >= n, count, WAIT);

describe('widget loader', () => {

  it('paints the launcher with no wasm request, and loading="click" fetches it on the first click, which opens the panel', async () => {
    const page = await suite.browser.newPage();
    const errors = collectPageErrors(page);
    const requests = recordRequests(page);
    const url = hostPage('click.html', '<chat-widget project-id="demo" loading="click"></chat-widget>');
    await page.goto(url);
    await launcher(page).waitFor(WAIT);
    await page.waitForLoadState('networkidle');
    assert.deepEqual(requests.wasm(), [], 'no wasm before the visitor asks for the chat');
    assert.equal(await launcher(page).getAttribute('aria-label'), 'Open chat');

    await launcher(page).click();
    await waitOpen(page);
    assert.equal(requests.wasm().length, 1, 'one wasm request');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('by default fetches the wasm when the page is idle, after painting the launcher; a click while it loads still opens the panel', async () => {
    const page = await suite.browser.newPage();
    const requests = recordRequests(page);
    const release = await holdWasm(page);
    const wasmRequested = page.waitForRequest((r) => r.url().endsWith('.wasm'), WAIT);
    const url = hostPage('idle.html', '<chat-widget project-id="demo"></chat-widget>');
    await page.goto(url);
    await launcher(page).waitFor(WAIT);
    await wasmRequested; // no interaction: the idle callback asked for it
    assert.ok(await launcher(page).isVisible(), 'the launcher is painted while the wasm is on its way');
    assert.equal(await isOpen(page), false);

    await launcher(page).click(); // before the wasm has arrived
    assert.equal(await launcher(page).getAttribute('aria-busy'), 'true');
    release();
    await waitOpen(page);
    assert.equal(requests.wasm().length, 1);
    await page.close();
  });

  it('a press on the launcher released after the wasm took over still opens the panel', async () => {
    const page = await suite.browser.newPage();
    const errors = collectPageErrors(page);
    const release = await holdWasm(page);
    const url = hostPage('press.html', '<chat-widget project-id="demo" loading="click"></chat-widget>');
    await page.goto(url);
    const box = await launcher(page).boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down(); // on the loader's launcher
    release();
    await waitReady(page);
    // The widget's own launcher is now under the pointer: down and up have different targets,
    // so the browser makes no click.
    assert.equal(await isOpen(page), false);
    await page.mouse.up();
    await waitOpen(page);
    // The next press and release on the launcher (a plain click) closes it again, once.
    await launcher(page).click();
    await page.waitForFunction(() => document.querySelector('chat-widget').shadowRoot.querySelector('.root').dataset.open === 'false', null, WAIT);
    await page.waitForTimeout(100);
    assert.equal(await isOpen(page), false, 'the release handler opened it only once');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('eager loads at once, without waiting for idle time', async () => {
    const page = await suite.browser.newPage();
    // An idle callback that never comes: only `eager` can load the widget now.
    await page.addInitScript(() => { window.requestIdleCallback = () => 0; });
    const requests = recordRequests(page);
    const url = hostPage(
      'eager.html',
      '<chat-widget project-id="demo" eager></chat-widget><chat-widget project-id="demo"></chat-widget>',
    );
    await page.goto(url);
    await waitReady(page, 1);
    assert.equal(requests.wasm().length, 1, 'the eager widget fetched the wasm');
    assert.equal(await page.evaluate(() => !!document.querySelectorAll('chat-widget')[1]._w), true, 'the other widget took over too, the module being there');
    await page.close();
  });

  it('two widgets and SPA remove/re-add leave no sockets, timers or duplicate connections behind', async () => {
    const page = await suite.browser.newPage();
    const errors = collectPageErrors(page);
    const live = new Set();
    let opened = 0;
    let ready = 0;
    page.on('websocket', (ws) => {
      opened++;
      live.add(ws);
      ws.on('close', () => live.delete(ws));
      ws.on('framereceived', (f) => { if (String(f.payload).includes('"type":"ready"')) ready++; });
    });
    const until = async (fn, what) => {
      for (let i = 0; i < 200; i++) {
        if (fn()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`${what}: opened ${opened}, live ${live.size}`);
    };
    const widgets = '<chat-widget project-id="demo" eager default-open></chat-widget><chat-widget project-id="demo" eager></chat-widget>';
    const url = hostPage('spa.html', `<div id="app">${widgets}</div>`);
    await page.goto(url);
    await waitReady(page, 2);
    await waitOpen(page, 0);
    await until(() => opened === 1 && live.size === 1 && ready === 1, 'one socket: the open widget');

    // The SPA navigates away: both widgets go, and with them every socket.
    const markup = await page.evaluate(() => {
      const app = document.getElementById('app');
      const html = app.innerHTML;
      app.replaceChildren();
      return html;
    });
    await until(() => live.size === 0, 'every socket closed after removal');

    // …and back: the open widget connects again (the other one too if it finds the stored
    // session); never more than one socket per widget.
    await page.evaluate((html) => { document.getElementById('app').innerHTML = html; }, markup);
    await waitReady(page, 2);
    await waitOpen(page, 0);
    await until(() => live.size >= 1, 'the re-added open widget connects');
    await page.waitForTimeout(500);
    const settled = live.size;
    assert.ok(settled <= 2, `at most one socket per widget, got ${settled}`);
    assert.equal(opened, 1 + settled, 'no duplicate or extra connections');

    // Moving an element (disconnect + connect) reconnects it once.
    await page.evaluate(() => document.body.append(document.querySelector('chat-widget')));
    await until(() => opened === 2 + settled && live.size === settled, 'a moved widget reconnects once');
    await page.waitForTimeout(300);
    assert.equal(opened, 2 + settled, 'still no duplicates');
    const mounted = await page.evaluate(() => [...document.querySelectorAll('chat-widget')].filter((e) => e._w).length);
    assert.equal(mounted, 2);

    // Removed for good: nothing keeps running (no socket, no retry timer, no polling).
    await page.evaluate(() => { for (const el of document.querySelectorAll('chat-widget')) el.remove(); });
    await until(() => live.size === 0, 'all sockets closed at the end');
    const late = [];
    page.on('request', (r) => late.push(r.url()));
    await page.waitForTimeout(1500);
    assert.deepEqual(late, [], 'no request after every widget is gone');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('serves the loader short-lived with an ETag and the hashed files immutable, to any origin', async () => {
    const get = (p, headers = {}) => fetch(`${suite.server.baseUrl}${p}`, { headers: { Origin: 'https://shop.example.com', ...headers } });
    const loader = await get('/widget/loader.js', { 'Accept-Encoding': 'br' });
    assert.equal(loader.status, 200);
    assert.equal(loader.headers.get('cache-control'), 'public, max-age=300');
    assert.equal(loader.headers.get('access-control-allow-origin'), '*');
    const etag = loader.headers.get('etag');
    assert.ok(etag, 'an ETag');
    const again = await get('/widget/loader.js', { 'If-None-Match': etag });
    assert.equal(again.status, 304);

    const wasm = readdirSync(path.join(suite.dist, 'widget')).find((f) => f.endsWith('_bg.wasm'));
    const hashed = await get(`/widget/${wasm}`, { 'Accept-Encoding': 'br, gzip' });
    assert.equal(hashed.status, 200);
    assert.equal(hashed.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(hashed.headers.get('access-control-allow-origin'), '*');
    assert.equal(hashed.headers.get('content-type'), 'application/wasm');
    assert.match(hashed.headers.get('vary') || '', /accept-encoding/i);

    const alias = await get('/chat-widget.js');
    assert.equal(alias.status, 200);
    assert.equal(alias.headers.get('cache-control'), 'public, max-age=300');
  });
});
