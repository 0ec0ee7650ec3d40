// The chat widget in a real browser against the real server: a visitor and an agent hold a
// conversation that survives a reload; a hostile, strict-CSP host page changes nothing; several
// widgets on one page are independent and a removed one lets go of its socket.
//
// Needs `scripts/build-widget.sh` (dist/) and `cargo build -p parlour-server` first.
//   node --test tests/e2e/widget.test.mjs

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { screenshot } from './lib/browser.mjs';
import { DESKTOP, useSuite } from './lib/suite.mjs';
import { WAIT, conversationOf, eventually, focusedInWidget, sendMessage, widgetParts } from './lib/widget.mjs';

describe('chat widget', () => {
  const suite = useSuite({ requires: ['chat-widget.js'] });

  it('lets a visitor and an agent talk, and the conversation survives a reload', async () => {
    const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
    await page.goto(`${suite.server.baseUrl}/`);
    const w = widgetParts(page);

    await w.launcher.waitFor(WAIT);
    assert.equal(await w.launcher.getAttribute('aria-label'), 'Open chat');
    assert.equal(await w.launcher.getAttribute('aria-expanded'), 'false');
    assert.equal(await w.panel.isVisible(), false, 'the panel starts closed');
    await screenshot(page, 'widget-closed');

    await w.launcher.click();
    await w.panel.waitFor(WAIT);
    assert.equal(await w.panel.getAttribute('aria-label'), 'Parlour demo');
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    await eventually(() => focusedInWidget(page), 'textarea', 'opening focuses the composer');

    // Shift+Enter makes a new line, Enter sends; the text is shown as text, never as HTML.
    const first = 'Hello! <b>Is</b> anyone there? <img src=x onerror="window.pwned=1">';
    await w.composer.fill('Line one');
    await w.composer.press('Shift+Enter');
    await w.composer.type('line two');
    assert.equal(await w.composer.inputValue(), 'Line one\nline two');
    await w.composer.fill('');
    await sendMessage(w, first);
    const bubble = w.own(first).locator('.bubble');
    assert.equal(await bubble.textContent(), first);
    assert.equal(await bubble.locator('b, img').count(), 0, 'message text is never parsed as HTML');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    assert.equal(await w.composer.inputValue(), '', 'the composer is emptied after sending');

    // The agent sees the conversation and replies; the reply shows up live with the agent's name.
    const conversation = await conversationOf(suite.agent, 'anyone there');
    const reply = 'Hi! Ada from support here. How can I help?';
    await suite.agent.reply(conversation.id, reply);
    await w.fromAgent(reply).waitFor(WAIT);
    const me = await suite.agent.me();
    assert.match(await w.fromAgent(reply).locator('.author').textContent(), new RegExp(me.name));

    await sendMessage(w, 'I would like to know more about pricing.');
    await screenshot(page, 'widget-open-conversation');

    // Escape closes and gives focus back to the launcher.
    await w.composer.press('Escape');
    await w.panel.waitFor({ state: 'hidden', ...WAIT });
    await eventually(() => focusedInWidget(page), 'button.launcher', 'closing focuses the launcher');

    // A reply while the panel is closed shows as unread on the launcher.
    await suite.agent.reply(conversation.id, 'Our plans start at zero: it is self-hosted.');
    await w.host.locator('.badge').waitFor(WAIT);
    assert.equal(await w.launcher.getAttribute('aria-label'), 'Open chat, 1 unread message');
    await screenshot(page, 'widget-unread');

    // Reload: the same session, the whole history in order, from the server.
    await page.reload();
    const again = widgetParts(page);
    await again.launcher.click();
    await again.fromAgent('self-hosted').waitFor(WAIT);
    const bodies = await again.stored.locator('.bubble').allTextContents();
    assert.deepEqual(bodies, [first, reply, 'I would like to know more about pricing.', 'Our plans start at zero: it is self-hosted.']);
    const states = await again.host.locator('.message.own').evaluateAll((els) => els.map((e) => e.dataset.state));
    assert.deepEqual(states, ['sent', 'sent']);
    const { conversations } = await suite.agent.listConversations('open');
    assert.equal(conversations.filter((c) => c.id === conversation.id).length, 1);
    assert.equal((await suite.agent.messages(conversation.id)).messages.length, 4, 'nothing was stored twice');

    assert.deepEqual(errors, []);
    await context.close();
  });

  it('looks and works the same on a hostile page with a strict CSP', async () => {
    const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
    await page.goto(`${suite.server.baseUrl}/hostile.html`);
    const w = widgetParts(page);

    await w.launcher.waitFor(WAIT);
    await w.launcher.click();
    await w.panel.waitFor(WAIT);
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    await sendMessage(w, 'Hello from a hostile page');

    const look = await w.own('Hello from a hostile page').locator('.bubble').evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, fontSize: s.fontSize, padding: s.paddingTop };
    });
    assert.notEqual(look.color, 'rgb(255, 0, 0)');
    assert.equal(look.fontSize, '14px');
    assert.equal(look.padding, '9px');
    for (const part of [w.launcher, w.send, w.close, w.composer]) {
      assert.equal(await part.isVisible(), true, 'host rules never reach inside the shadow root');
    }
    const title = await w.host.locator('.title').evaluate((el) => getComputedStyle(el).fontSize);
    assert.equal(title, '16px');
    // The host's own button really is hidden by its own stylesheet: the stylesheet is live.
    assert.equal(await page.locator('body > button').isVisible(), false);
    await screenshot(page, 'widget-hostile-page');
    assert.deepEqual(errors.filter((e) => !e.includes('favicon')), []);
    await context.close();
  });

  it('delivers messages written during a connection loss exactly once when it comes back', async () => {
    const { context, page } = await suite.newPage({ viewport: DESKTOP });
    // A switchable network between the widget and the server's socket.
    let online = true;
    let dropAcks = false;
    const open = [];
    await page.routeWebSocket(/\/ws\/chat/, (ws) => {
      if (!online) return ws.close();
      const upstream = ws.connectToServer();
      open.push(ws);
      upstream.onMessage((frame) => {
        if (!(dropAcks && String(frame).includes('"type":"ack"'))) ws.send(frame);
      });
    });
    await page.goto(`${suite.server.baseUrl}/`);
    const w = widgetParts(page);
    await w.launcher.click();
    await sendMessage(w, 'Before the outage');

    // Stored by the server, but the ack is lost with the connection.
    dropAcks = true;
    await w.composer.fill('Sent as the line went down');
    await w.composer.press('Enter');
    await w.host.locator('.message.own[data-state="sending"]', { hasText: 'line went down' }).waitFor(WAIT);
    online = false;
    for (const ws of open.splice(0)) await ws.close();
    await w.host.locator('.status[data-connection="reconnecting"]').waitFor(WAIT);

    // Written while offline: shown at once, kept in the persisted outbox.
    await w.composer.fill('Written while offline');
    await w.composer.press('Enter');
    await w.host.locator('.message.own[data-state="sending"]', { hasText: 'Written while offline' }).waitFor(WAIT);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')));
    assert.deepEqual(stored.outbox.map((p) => p.body), ['Sent as the line went down', 'Written while offline']);
    await screenshot(page, 'widget-offline');

    // Back online: the browser's `online` event retries at once; both are delivered once.
    dropAcks = false;
    online = true;
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await w.host.locator('.message.own[data-state="sent"]', { hasText: 'Written while offline' }).waitFor(WAIT);
    await w.host.locator('.message.own[data-state="sent"]', { hasText: 'line went down' }).waitFor(WAIT);
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')));
    assert.deepEqual(after.outbox, []);
    const conversation = await conversationOf(suite.agent, 'Written while offline');
    const bodies = (await suite.agent.messages(conversation.id)).messages.map((m) => m.body);
    assert.deepEqual(bodies, ['Before the outage', 'Sent as the line went down', 'Written while offline'], 'each message stored once, in order');
    await context.close();
  });

  it('replaces a stored session the server no longer accepts, and still sends its outbox', async () => {
    const { context, page } = await suite.newPage({ viewport: DESKTOP });
    await page.goto(`${suite.server.baseUrl}/`);
    const stale = {
      session: {
        sessionId: '00000000-0000-4000-8000-000000000000',
        token: 'not-a-valid-token',
        expiresAt: Math.floor(Date.now() / 1000) + 3600,
        wsUrl: `${suite.server.baseUrl.replace('http', 'ws')}/ws/chat?sessionId=00000000-0000-4000-8000-000000000000&token=x`,
      },
      lastSeq: 7,
      readSeq: 7,
      outbox: [{ clientMessageId: '6f1c2b0e-5a4d-4e8f-9a7b-1c2d3e4f5a6b', body: 'Queued before the reload', createdAt: Date.now() }],
    };
    await page.evaluate((s) => localStorage.setItem('parlour:demo', JSON.stringify(s)), stale);
    const check = page.waitForResponse((r) => new URL(r.url()).pathname === '/v1/widget/session');
    await page.reload();
    assert.equal((await check).status(), 401);
    const w = widgetParts(page);
    await w.host.locator('.message.own[data-state="sent"]', { hasText: 'Queued before the reload' }).waitFor({ state: 'attached', ...WAIT });
    const now = await page.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')));
    assert.notEqual(now.session.sessionId, stale.session.sessionId);
    assert.deepEqual(now.outbox, []);
    await w.launcher.click();
    await w.own('Queued before the reload').waitFor(WAIT);
    await context.close();
  });

  it('runs several widgets independently, and a removed one closes its socket', async () => {
    const { context, page } = await suite.newPage({ viewport: DESKTOP });
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws));
    await page.goto(`${suite.server.baseUrl}/`);
    const first = widgetParts(page, 0);
    // Clicked once the wasm has taken over: a click whose press lands on the loader's launcher
    // and whose release lands on the widget's (mounted in between) is no click at all.
    await page.waitForFunction(() => document.querySelector('chat-widget')?._w, null, WAIT);
    await first.launcher.click();
    await sendMessage(first, 'From the first widget');

    // A second widget for the same project (same stored session) and one for an unknown project.
    await page.evaluate(() => {
      const add = (attrs, right) => {
        const el = document.createElement('chat-widget');
        for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
        el.style.setProperty('--parlour-right', right);
        document.body.append(el);
      };
      add({ 'project-id': 'demo', title: 'Second', 'primary-color': '#0f766e', 'default-open': '' }, '440px');
      add({ 'project-id': 'no-such-project', title: 'Broken' }, '860px');
    });
    const second = widgetParts(page, 1);
    const broken = widgetParts(page, 2);
    // `default-open`: open without a click, without taking the page's focus.
    await second.own('From the first widget').waitFor(WAIT);
    assert.equal(
      await page.evaluate(() => document.activeElement === document.querySelectorAll('chat-widget')[0]),
      true,
      'a widget that starts open does not take the focus',
    );
    // Attributes are live.
    await page.evaluate(() => document.querySelectorAll('chat-widget')[1].setAttribute('title', 'Second opinion'));
    await second.host.locator('.title', { hasText: 'Second opinion' }).waitFor(WAIT);
    await broken.launcher.click();
    await broken.host.locator('.status[data-connection="unavailable"]').waitFor(WAIT);
    assert.equal(await broken.composer.isDisabled(), true);
    await screenshot(page, 'widget-several');

    // Remove the first: its socket closes; the second keeps working.
    const live = () => sockets.filter((s) => !s.isClosed()).length;
    assert.equal(live(), 2);
    await page.evaluate(() => document.querySelector('chat-widget').remove());
    for (let i = 0; i < 50 && live() !== 1; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(live(), 1, 'the removed widget closed its socket');
    const still = widgetParts(page, 0);
    assert.equal(await still.panel.getAttribute('aria-label'), 'Second opinion');
    await sendMessage(still, 'From the second widget');
    await context.close();
  });
});
