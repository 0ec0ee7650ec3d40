// The polling transport and live activity (issue #4): `transport="polling"` chats both ways
// without opening a WebSocket; with `auto`, a network that refuses WebSockets makes the widget
// fall back to polling and still deliver both ways; over a WebSocket, the agent's typing shows,
// the agent's read receipt shows "Seen", the visitor's reads and typing reach the server, and a
// closed conversation shows a notice, the next message starting a new conversation.
//
// Needs `scripts/build-widget.sh` (dist/) and `cargo build -p parlour-server` first.
//   node --test tests/e2e/polling.test.mjs

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { screenshot } from './lib/browser.mjs';
import { useSuite } from './lib/suite.mjs';
import { WAIT, conversationOf, forceAttributes, sendMessage, widgetParts } from './lib/widget.mjs';

describe('polling transport and live activity', () => {
  const suite = useSuite({ requires: ['index.html'] });

  it('chats both ways with transport="polling" and never opens a WebSocket', async () => {
    const { context, page } = await suite.newPage();
    const sockets = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.addInitScript(forceAttributes, { transport: 'polling' });
    await page.goto(`${suite.server.baseUrl}/`);
    const w = widgetParts(page);
    await w.launcher.click();
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    await sendMessage(w, 'Hello over plain HTTP');
    const conversation = await conversationOf(suite.agent, 'plain HTTP');
    await suite.agent.reply(conversation.id, 'Polling works: here is the answer.');
    await w.fromAgent('here is the answer').waitFor(WAIT);
    await sendMessage(w, 'Thanks, and a follow-up');
    await suite.agent.reply(conversation.id, 'Second answer.');
    await w.fromAgent('Second answer').waitFor(WAIT);
    const bodies = (await suite.agent.messages(conversation.id, 0)).messages.map((m) => `${m.seq}:${m.body}`);
    assert.deepEqual(bodies, ['1:Hello over plain HTTP', '2:Polling works: here is the answer.', '3:Thanks, and a follow-up', '4:Second answer.']);
    const shown = await w.host.locator('.message[data-seq]').evaluateAll((els) =>
      els.map((e) => `${e.dataset.seq}:${e.querySelector('.bubble').textContent}`));
    assert.deepEqual(shown, bodies);
    assert.deepEqual(sockets, [], 'no WebSocket was opened');
    await screenshot(page, 'polling-transport');
    await context.close();
  });

  it('falls back to polling when WebSockets are refused, and still delivers both ways', async () => {
    const { context, page } = await suite.newPage();
    let attempts = 0;
    await page.routeWebSocket(/\/ws\/chat/, (ws) => {
      attempts += 1;
      ws.close();
    });
    const polls = [];
    page.on('request', (r) => { if (/\/v1\/widget\/conversations\/.+\/messages/.test(r.url())) polls.push(r.url()); });
    await page.goto(`${suite.server.baseUrl}/`);
    const w = widgetParts(page);
    await w.launcher.click();
    await sendMessage(w, 'Is anyone there behind this firewall?');
    const conversation = await conversationOf(suite.agent, 'behind this firewall');
    await suite.agent.reply(conversation.id, 'Yes, we hear you over polling.');
    await w.fromAgent('we hear you').waitFor(WAIT);
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    assert.equal(attempts, 2, 'two refused sockets, then polling for this page view');
    assert.ok(polls.length > 0, 'the conversation was polled');
    const bodies = (await suite.agent.messages(conversation.id, 0)).messages.map((m) => m.body);
    assert.deepEqual(bodies, ['Is anyone there behind this firewall?', 'Yes, we hear you over polling.']);
    await context.close();
  });

  it('shows typing, "Seen" and a closed conversation, and starts a new one cleanly', async () => {
    const { context, page } = await suite.newPage();
    const sent = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
    await page.goto(`${suite.server.baseUrl}/`);
    const w = widgetParts(page);
    await w.launcher.click();
    await sendMessage(w, 'Can you see me typing?');
    const conversation = await conversationOf(suite.agent, 'see me typing');

    // The visitor's typing reaches the server (throttled) over the socket.
    await w.composer.pressSequentially('still writing', { delay: 20 });
    assert.ok(sent.some((f) => f.includes('"type":"typing"') && f.includes('"isTyping":true')), 'typing sent');
    await w.composer.fill('');

    // The agent types: the indicator shows, politely announced; then it goes.
    await suite.agent.typing(conversation.id, true);
    const typing = w.host.locator('.typing');
    await w.host.locator('.typing', { hasText: 'is typing…' }).waitFor(WAIT);
    assert.equal(await typing.getAttribute('aria-live'), 'polite');
    await screenshot(page, 'agent-typing');
    await suite.agent.typing(conversation.id, false);
    await w.host.locator('.typing', { hasText: 'is typing' }).waitFor({ state: 'detached', ...WAIT });

    // The agent reads: "Seen" under the visitor's message.
    await suite.agent.read(conversation.id, 1);
    await w.own('see me typing').locator('.delivery[data-seen="true"]', { hasText: 'Seen' }).waitFor(WAIT);

    // An agent reply shown in the open panel is reported read.
    const reply = await suite.agent.reply(conversation.id, 'I can. What do you need?');
    await w.fromAgent('What do you need').waitFor(WAIT);
    for (let i = 0; i < 50; i++) {
      const { conversations } = await suite.agent.listConversations('open');
      if (conversations.find((c) => c.id === conversation.id)?.visitorReadSeq >= reply.seq) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const summary = (await suite.agent.listConversations('open')).conversations.find((c) => c.id === conversation.id);
    assert.ok(summary.visitorReadSeq >= reply.seq, `visitor read ${summary.visitorReadSeq} < ${reply.seq}`);

    // Closed: a notice; the next message opens a new conversation the agent sees.
    await suite.agent.setStatus(conversation.id, 'closed');
    await w.host.locator('.notice.closed', { hasText: 'This conversation was closed' }).waitFor(WAIT);
    await screenshot(page, 'conversation-closed');
    await sendMessage(w, 'One more question, please');
    const next = await conversationOf(suite.agent, 'One more question');
    assert.notEqual(next.id, conversation.id);
    const messages = (await suite.agent.messages(next.id, 0)).messages.map((m) => `${m.seq}:${m.body}`);
    assert.deepEqual(messages, ['1:One more question, please']);
    await w.host.locator('.notice.closed').waitFor({ state: 'detached', ...WAIT });
    await suite.agent.reply(next.id, 'Welcome back.');
    await w.fromAgent('Welcome back').waitFor(WAIT);
    assert.equal((await suite.agent.messages(conversation.id, 0)).messages.length, 2, 'the old conversation is unchanged');
    await context.close();
  });
});
