// Delivery guarantees under faults (issue #4): the server is SIGKILLed mid-conversation and
// restarted on the same port and database while the visitor keeps writing; afterwards the widget
// and the agent hold exactly the same messages — none lost, none doubled, every seq once. And a
// message still in the outbox when the page reloads is sent once after the reload.
//
// Needs `scripts/build-widget.sh` (dist/) and `cargo build -p parlour-server` first.
//   node --test tests/e2e/fault.test.mjs

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { screenshot } from './lib/browser.mjs';
import { useSuite } from './lib/suite.mjs';
import { WAIT, conversationOf, forceAttributes, sendMessage, widgetParts } from './lib/widget.mjs';

// Reconnecting after a restart waits for the next backoff step (at most a few seconds here).
const RECONNECT = { timeout: 40_000 };

/** The stored rows the widget shows, as `seq:body`. */
function shown(w) {
  return w.host.locator('.message[data-seq]').evaluateAll((els) =>
    els.map((e) => `${e.dataset.seq}:${e.querySelector('.bubble').textContent}`));
}

/** Sends `text` and waits until it shows, in whatever delivery state (the server may be down). */
const sendAnyState = (w, text) => sendMessage(w, text, { state: null, wait: WAIT });

describe('delivery under faults', () => {
  const suite = useSuite({ requires: ['index.html'] });

  it('loses and doubles nothing when the server is killed and restarted mid-conversation', async () => {
    const { context, page } = await suite.newPage();
    await page.goto(`${suite.server.baseUrl}/`);
    const w = widgetParts(page);
    await w.launcher.click();

    await sendAnyState(w, 'Hello before the crash');
    await w.own('Hello before the crash', 'sent').waitFor(WAIT);
    const conversation = await conversationOf(suite.agent, 'before the crash');
    await suite.agent.reply(conversation.id, 'Agent: hello, how can I help?');
    await w.fromAgent('how can I help').waitFor(WAIT);
    await sendAnyState(w, 'My order did not arrive');
    await w.own('My order did not arrive', 'sent').waitFor(WAIT);

    // SIGKILL: no close frame, no goodbye. The widget notices and queues what is written now.
    await suite.server.kill();
    await w.host.locator('.status[data-connection="reconnecting"]').waitFor(WAIT);
    await sendAnyState(w, 'Written while the server is down (1)');
    await sendAnyState(w, 'Written while the server is down (2)');
    assert.equal(await w.host.locator('.message.own[data-state="sending"]').count(), 2, 'both wait as sending');
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')));
    assert.deepEqual(stored.outbox.map((p) => p.body), ['Written while the server is down (1)', 'Written while the server is down (2)']);
    await screenshot(page, 'fault-server-down');

    // Same port, same database: the stored session, socket URL and cursor all still hold.
    await suite.server.restart({ samePort: true });
    await w.own('server is down (2)', 'sent').waitFor(RECONNECT);
    await w.own('server is down (1)', 'sent').waitFor(WAIT);
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    await suite.agent.reply(conversation.id, 'Agent: back after the restart, checking your order.');
    await w.fromAgent('back after the restart').waitFor(WAIT);

    const server_side = (await suite.agent.messages(conversation.id, 0)).messages;
    const seqs = server_side.map((m) => m.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'every seq 1..n exactly once');
    assert.deepEqual(server_side.map((m) => m.body), [
      'Hello before the crash',
      'Agent: hello, how can I help?',
      'My order did not arrive',
      'Written while the server is down (1)',
      'Written while the server is down (2)',
      'Agent: back after the restart, checking your order.',
    ]);
    await w.host.locator(`.message[data-seq="${server_side.length}"]`).waitFor(WAIT);
    assert.deepEqual(await shown(w), server_side.map((m) => `${m.seq}:${m.body}`), 'the widget shows exactly what the server stored');
    assert.equal(await w.host.locator('.message.own:not([data-seq])').count(), 0, 'nothing left pending');
    const now = await page.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')));
    assert.deepEqual(now.outbox, []);
    await screenshot(page, 'fault-after-restart');
    await context.close();
  });

  it('sends a message still in the outbox exactly once after a reload', async () => {
    const { context, page } = await suite.newPage();
    // The server stores the message, but its ack never reaches the page.
    let dropAcks = false;
    await page.routeWebSocket(/\/ws\/chat/, (ws) => {
      const upstream = ws.connectToServer();
      upstream.onMessage((frame) => {
        if (!(dropAcks && String(frame).includes('"type":"ack"'))) ws.send(frame);
      });
    });
    await page.goto(`${suite.server.baseUrl}/`);
    const w = widgetParts(page);
    await w.launcher.click();
    await sendAnyState(w, 'First, delivered normally');
    await w.own('delivered normally', 'sent').waitFor(WAIT);

    dropAcks = true;
    await sendAnyState(w, 'In the outbox at reload time');
    const conversation = await conversationOf(suite.agent, 'outbox at reload');
    const before = await page.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')));
    assert.deepEqual(before.outbox.map((p) => p.body), ['In the outbox at reload time'], 'stored, but not acknowledged');

    dropAcks = false;
    await page.reload();
    const again = widgetParts(page);
    await again.launcher.click();
    await again.own('outbox at reload', 'sent').waitFor(WAIT);
    const bodies = (await suite.agent.messages(conversation.id, 0)).messages.map((m) => m.body);
    assert.deepEqual(bodies, ['First, delivered normally', 'In the outbox at reload time'], 'resent once, stored once');
    assert.equal(await again.own('outbox at reload').count(), 1);
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')));
    assert.deepEqual(after.outbox, []);
    await context.close();
  });

  it('keeps the outboxes of two tabs of the same site', async () => {
    const context = await suite.browser.newContext();
    const a = await context.newPage();
    const b = await context.newPage();
    // Both tabs offline for the chat: WebSocket only (no polling fallback), every socket refused.
    for (const page of [a, b]) {
      await page.addInitScript(forceAttributes, { transport: 'websocket' });
      await page.routeWebSocket(/\/ws\/chat/, (ws) => ws.close());
    }
    await a.goto(`${suite.server.baseUrl}/`);
    await b.goto(`${suite.server.baseUrl}/`);
    const wa = widgetParts(a);
    const wb = widgetParts(b);
    await wa.launcher.click();
    await wb.launcher.click();
    await sendAnyState(wa, 'Queued in tab A');
    await sendAnyState(wb, 'Queued in tab B');
    await sendAnyState(wa, 'Queued in tab A again');
    const stored = await a.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')));
    assert.deepEqual(stored.outbox.map((p) => p.body).sort(), ['Queued in tab A', 'Queued in tab A again', 'Queued in tab B']);
    await a.close();
    await b.close();

    // A later page view delivers all three, once each.
    const c = await context.newPage();
    await c.goto(`${suite.server.baseUrl}/`);
    const wc = widgetParts(c);
    await wc.launcher.click();
    for (const text of ['Queued in tab A', 'Queued in tab B', 'Queued in tab A again']) {
      await wc.host.locator('.message.own[data-state="sent"]', { hasText: text }).first().waitFor(WAIT);
    }
    const conversation = await conversationOf(suite.agent, 'Queued in tab');
    const bodies = (await suite.agent.messages(conversation.id, 0)).messages.map((m) => m.body).sort();
    assert.deepEqual(bodies, ['Queued in tab A', 'Queued in tab A again', 'Queued in tab B']);
    await context.close();
  });
});
