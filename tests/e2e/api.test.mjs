// window.ChatWidget and the chat-widget:* DOM events: calls queued by the snippet before the loader
// arrives are replayed in order; boot creates the element; open/close/toggle, identify (into the
// session init request), setLocale, shutdown (storage cleared, element gone); events bubble out
// of the shadow root to `document` with the documented names and details; the unread count is
// observable; a refused identity reaches onSecurityError and the `error` event.
//
// Needs `scripts/build-widget.sh` (dist/) and `cargo build -p parlour-server` first.
//   node --test tests/e2e/api.test.mjs            (PARLOUR_DIST=<dir> to test another build)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { collectPageErrors } from './lib/browser.mjs';
import { useSuite } from './lib/suite.mjs';
import { WAIT } from './lib/widget.mjs';

const EVENTS = ['ready', 'open', 'close', 'message', 'unread', 'error'];

// The host pages live on a third-party site (`hostSite`), so the widget loads cross-origin.
const suite = useSuite({ requires: ['widget/loader.js'], hostSite: true });
/** The Parlour server's address, as a host page's snippet names it. */
const base = () => suite.server.baseUrl;

/** The queue snippet of the README, then `calls`, then the (async) loader. */
function snippetPage(calls) {
  return `<!doctype html><html><head><meta charset="utf-8"><link rel="icon" href="data:,">
<script>
  window.ChatWidget = window.ChatWidget || function () { (ChatWidget.q = ChatWidget.q || []).push(arguments) };
  window.__events = [];
  for (const name of ${JSON.stringify(EVENTS)}) {
    document.addEventListener('chat-widget:' + name, (e) => window.__events.push({ name: e.type, detail: e.detail, target: e.target.tagName }));
  }
  ${calls}
</script>
<script type="module" src="${base()}/widget/loader.js"></script>
</head><body><main>host page</main></body></html>`;
}

async function open(page, name, calls, { delayLoader = 0 } = {}) {
  suite.site.pages.set(`/${name}`, snippetPage(calls));
  const url = `${suite.site.origin}/${name}`;
  if (delayLoader) {
    await page.route('**/widget/loader.js', async (route) => {
      await new Promise((r) => setTimeout(r, delayLoader));
      await route.continue();
    });
  }
  await page.goto(url);
}

const events = (page) => page.evaluate(() => window.__events);
const names = async (page) => (await events(page)).map((e) => e.name);
async function waitEvent(page, name, count = 1) {
  await page.waitForFunction(([n, c]) => window.__events.filter((e) => e.name === n).length >= c, [`chat-widget:${name}`, count], WAIT);
}
const panelOpen = (page) =>
  page.evaluate(() => document.querySelector('chat-widget').shadowRoot.querySelector('.root')?.dataset.open === 'true');

describe('window.ChatWidget', () => {

  it('replays calls queued before the loader arrived, in order, and creates the element', async () => {
    const page = await suite.browser.newPage();
    const errors = collectPageErrors(page);
    await open(page, 'queued.html', `
      ChatWidget('boot', { apiBaseUrl: '${base()}', app_id: 'demo', title: 'Queued help', loading: 'click' });
      ChatWidget('open');
      window.__queuedBeforeLoader = ChatWidget.q.length;`, { delayLoader: 300 });
    assert.equal(await page.evaluate(() => window.__queuedBeforeLoader), 2, 'both calls were queued');
    await waitEvent(page, 'open');
    assert.equal(await page.locator('chat-widget').count(), 1, 'boot created one <chat-widget>');
    assert.equal(await page.locator('chat-widget').getAttribute('project-id'), 'demo');
    assert.equal(await page.locator('chat-widget').getAttribute('title'), 'Queued help');
    assert.ok(await panelOpen(page));
    const seen = await names(page);
    assert.ok(seen.indexOf('chat-widget:ready') < seen.indexOf('chat-widget:open'), seen.join());
    // Listened on document: the events bubble and cross the shadow boundary; the target is the host.
    assert.ok((await events(page)).every((e) => e.target === 'CHAT-WIDGET'));
    // After the loader, the same function form and the method form both work.
    await page.evaluate(() => ChatWidget('close'));
    await waitEvent(page, 'close');
    assert.equal(await panelOpen(page), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('open, close and toggle drive the panel and fire open/close events', async () => {
    const page = await suite.browser.newPage();
    await open(page, 'toggle.html', `ChatWidget('boot', { apiBaseUrl: '${base()}', projectId: 'demo' });`);
    await page.waitForFunction(() => window.ChatWidget && window.ChatWidget.open, null, WAIT);
    await page.evaluate(() => ChatWidget.toggle());
    await waitEvent(page, 'open');
    assert.ok(await panelOpen(page));
    await page.evaluate(() => ChatWidget.toggle());
    await waitEvent(page, 'close');
    await page.evaluate(() => ChatWidget.open());
    await waitEvent(page, 'open', 2);
    await page.evaluate(() => ChatWidget.close());
    await waitEvent(page, 'close', 2);
    assert.equal(await panelOpen(page), false);
    await page.close();
  });

  it('identify and setLocale go into the session init request', async () => {
    const page = await suite.browser.newPage();
    const inits = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/v1/widget/session/init')) inits.push(JSON.parse(r.postData()));
    });
    await open(page, 'identify.html', `
      ChatWidget('boot', { apiBaseUrl: '${base()}', app_id: 'demo', user_id: 'host-user-7', email: 'a@example.com', name: 'Ann', locale: 'fr-FR', loading: 'click' });
      ChatWidget('open');`);
    await waitEvent(page, 'open');
    for (let i = 0; i < 100 && inits.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(inits.length, 1);
    assert.equal(inits[0].externalUserId, 'host-user-7');
    assert.equal(inits[0].locale, 'fr-FR');
    assert.equal(inits[0].projectId, 'demo');
    assert.equal(await page.evaluate(() => localStorage.getItem('parlour:demo:user')), 'host-user-7');

    // Another user on the same browser starts afresh (the previous conversation is not theirs).
    await page.evaluate(() => ChatWidget.setLocale('de-DE'));
    assert.equal(await page.evaluate(() => document.querySelector('chat-widget').shadowRoot.querySelector('[lang]')?.getAttribute('lang')), 'de-DE');
    await page.evaluate(() => ChatWidget.identify({ user_id: 'host-user-8' }, 'jwt-for-user-8'));
    await page.evaluate(() => ChatWidget.open());
    for (let i = 0; i < 100 && inits.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(inits.length, 2);
    assert.equal(inits[1].externalUserId, 'host-user-8');
    assert.equal(inits[1].userJwt, 'jwt-for-user-8');
    assert.equal(inits[1].locale, 'de-DE');
    await page.close();
  });

  it('a refused identity calls onSecurityError and fires the error event', async () => {
    const page = await suite.browser.newPage();
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'content-type', 'Access-Control-Allow-Methods': 'POST' };
    await page.route('**/v1/widget/session/init', (route) =>
      route.request().method() === 'OPTIONS'
        ? route.fulfill({ status: 204, headers: cors })
        : route.fulfill({ status: 401, headers: cors, contentType: 'application/json', body: JSON.stringify({ code: 'JWT_INVALID', message: 'The identity token is invalid.' }) }),
    );
    await open(page, 'security.html', `
      window.__security = [];
      ChatWidget('boot', { apiBaseUrl: '${base()}', app_id: 'demo', userJWT: 'not-a-jwt', onSecurityError: (error, code) => window.__security.push([error, code]) });
      ChatWidget('open');`);
    await waitEvent(page, 'error');
    const error = (await events(page)).find((e) => e.name === 'chat-widget:error');
    assert.deepEqual(error.detail, { code: 'JWT_INVALID', message: 'The identity token is invalid.' });
    assert.deepEqual(await page.evaluate(() => window.__security), [['The identity token is invalid.', 'JWT_INVALID']]);
    await page.close();
  });

  it('fires message for new messages and tracks the unread count', async () => {
    const page = await suite.browser.newPage();
    await open(page, 'unread.html', `
      window.__counts = [];
      ChatWidget('boot', { apiBaseUrl: '${base()}', app_id: 'demo', defaultOpen: true });
      ChatWidget('onUnreadCountChange', (n) => window.__counts.push(n));`);
    await waitEvent(page, 'open');
    const host = page.locator('chat-widget');
    const composer = host.getByLabel('Message', { exact: true });
    await composer.fill('hello from the api test');
    await composer.press('Enter');
    await waitEvent(page, 'message');
    const mine = (await events(page)).find((e) => e.name === 'chat-widget:message').detail;
    assert.equal(mine.body, 'hello from the api test');
    assert.equal(mine.author.kind, 'visitor');
    assert.equal(typeof mine.seq, 'number');

    await page.evaluate(() => ChatWidget.close());
    await waitEvent(page, 'close');
    const { conversations } = await suite.agent.listConversations();
    const conversation = conversations.find((c) => c.lastMessage?.body === 'hello from the api test');
    assert.ok(conversation, 'the agent sees the conversation');
    await suite.agent.reply(conversation.id, 'an answer while closed');
    await waitEvent(page, 'unread');
    const unread = (await events(page)).filter((e) => e.name === 'chat-widget:unread').at(-1).detail;
    assert.deepEqual(unread, { count: 1 });
    assert.equal(await page.evaluate(() => ChatWidget.unreadCount), 1);
    assert.deepEqual(await page.evaluate(() => window.__counts), [1]);
    const reply = (await events(page)).filter((e) => e.name === 'chat-widget:message').at(-1).detail;
    assert.equal(reply.body, 'an answer while closed');
    assert.equal(reply.author.kind, 'agent');

    await page.evaluate(() => ChatWidget.open());
    await page.waitForFunction(() => ChatWidget.unreadCount === 0, null, WAIT);
    assert.deepEqual(await page.evaluate(() => window.__counts), [1, 0]);
    await page.close();
  });

  it('shutdown removes the widget and clears what it stored', async () => {
    const page = await suite.browser.newPage();
    await open(page, 'shutdown.html', `ChatWidget('boot', { apiBaseUrl: '${base()}', app_id: 'demo', user_id: 'u-1', defaultOpen: true });`);
    await waitEvent(page, 'open');
    await page.waitForFunction(() => Object.keys(localStorage).some((k) => k === 'parlour:demo'), null, WAIT);
    await page.evaluate(() => localStorage.setItem('host:own', 'kept'));
    await page.evaluate(() => ChatWidget.shutdown());
    assert.equal(await page.locator('chat-widget').count(), 0);
    assert.deepEqual(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('parlour:'))), []);
    assert.equal(await page.evaluate(() => localStorage.getItem('host:own')), 'kept');
    // boot again after shutdown: a fresh widget.
    await page.evaluate((apiBaseUrl) => ChatWidget.boot({ apiBaseUrl, app_id: 'demo' }), base());
    assert.equal(await page.locator('chat-widget').count(), 1);
    await page.close();
  });
});
