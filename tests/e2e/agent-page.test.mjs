// The agent page (/agent) in headless Chromium against the real server: sign-in from the URL
// fragment, the conversation list, replying, live updates, retry of a failed reply, a wrong
// token, and a strict CSP. Visitors are driven over plain HTTP from node.
//
//   node --test tests/e2e/agent-page.test.mjs
//   (PARLOUR_SERVER_BIN=… to pick the binary; PARLOUR_E2E_SERVER_LOG=1 to see the server's stderr)

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { screenshot } from './lib/browser.mjs';
import { startHeaderProxy } from './lib/header-proxy.mjs';
import { startServer } from './lib/server.mjs';
import { DESKTOP, useSuite } from './lib/suite.mjs';
import { startVisitor } from './lib/visitor.mjs';

const UI_TIMEOUT = 10_000;

const suite = useSuite();

/** Polls `check` until it returns something truthy (an eventual condition, not a fixed sleep). */
async function eventually(check, what, timeout = UI_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(100);
  }
}

const conversationButton = (page, id) => page.locator(`#conversation-list .conv[data-conversation-id="${id}"]`);
const messageItem = (page, author, text) => page.locator(`#messages li.msg[data-author="${author}"]`, { hasText: text });

/**
 * Page errors minus the expected ones: the browser logs the 401 answer to a wrong token, and a
 * missing /favicon.ico when the assets dir has none.
 */
const unexpected = (errors) => errors.filter((e) => !/status of 401/.test(e) && !/favicon\.ico/.test(e));

test('an agent signs in from the link, answers a visitor and sees new messages live', { timeout: 90_000 }, async () => {
  const visitor = await startVisitor(suite.server.baseUrl);
  await visitor.send('Hello, is anyone there?');
  assert.ok(visitor.conversationId, 'the first visitor message starts a conversation');

  const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
  try {
    await page.goto(`${suite.server.baseUrl}/agent#token=${encodeURIComponent(suite.server.agentToken)}`);

    // Signed in: the token left the address bar and is kept in localStorage instead.
    await page.locator('#me-name').filter({ hasText: 'Demo Agent' }).waitFor({ timeout: UI_TIMEOUT });
    assert.ok(!page.url().includes(suite.server.agentToken), `token still in the URL: ${page.url()}`);
    assert.ok(!page.url().includes('token='), `token still in the URL: ${page.url()}`);
    assert.equal(await page.evaluate(() => localStorage.getItem('parlour:agent-token')), suite.server.agentToken);
    await page.locator('#conn[data-state="live"]').waitFor({ timeout: UI_TIMEOUT });

    // The conversation is listed with the visitor's message and marked unread.
    const item = conversationButton(page, visitor.conversationId);
    await item.waitFor({ timeout: UI_TIMEOUT });
    assert.match(await item.innerText(), /Hello, is anyone there\?/);
    assert.ok(await item.evaluate((b) => b.classList.contains('unread')), 'a new visitor message is unread');

    // Open it: the message is shown, the unread marker goes.
    await item.click();
    await messageItem(page, 'visitor', 'Hello, is anyone there?').waitFor({ timeout: UI_TIMEOUT });
    await eventually(async () => !(await item.evaluate((b) => b.classList.contains('unread'))), 'the unread marker to clear');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'reply-input', 'the reply box has focus');

    // Reply with Enter; Shift+Enter makes a new line.
    const input = page.locator('#reply-input');
    await input.type('Hi! I am here.');
    await input.press('Shift+Enter');
    await input.type('How can I help?');
    await input.press('Enter');
    const reply = messageItem(page, 'agent', 'How can I help?');
    await reply.waitFor({ timeout: UI_TIMEOUT });
    await page.locator('#messages li.msg[data-author="agent"][data-state="sent"]').waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await input.inputValue(), '', 'the reply box is cleared after sending');

    // The visitor receives the reply, with the agent's name and the newline intact.
    const stored = await eventually(async () => {
      const page1 = await visitor.messages(visitor.conversationId, 0);
      return page1.messages.find((m) => m.author.kind === 'agent');
    }, 'the visitor to see the reply');
    assert.equal(stored.body, 'Hi! I am here.\nHow can I help?');
    assert.equal(stored.author.name, 'Demo Agent');
    assert.match(stored.clientMessageId ?? '', /^[0-9a-f-]{36}$/, 'the page sends a UUID clientMessageId');

    // A new visitor message appears without a reload, once.
    await visitor.send('I cannot find my order <b>#1234</b>');
    const live = messageItem(page, 'visitor', 'I cannot find my order <b>#1234</b>');
    await live.waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await live.count(), 1, 'no duplicate after the live frame');
    assert.equal(await live.locator('b').count(), 0, 'message text is never parsed as HTML');
    const seqs = await page.locator('#messages li.msg[data-seq]').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'messages in seq order');
    assert.equal(new Set(seqs).size, seqs.length, 'no seq twice');

    // Another visitor writes: that conversation goes to the top of the list, unread.
    const other = await startVisitor(suite.server.baseUrl);
    await other.send('Do you ship to Norway?');
    const otherItem = conversationButton(page, other.conversationId);
    await otherItem.waitFor({ timeout: UI_TIMEOUT });
    await eventually(
      async () => (await page.locator('#conversation-list .conv').first().getAttribute('data-conversation-id')) === other.conversationId,
      'the new conversation to be first',
    );
    assert.ok(await otherItem.evaluate((b) => b.classList.contains('unread')), 'the other conversation is unread');
    assert.match(await otherItem.innerText(), /Do you ship to Norway\?/);
    await page.locator('#unread-count').filter({ hasText: '1' }).waitFor({ timeout: UI_TIMEOUT });
    // The open conversation did not change.
    assert.equal(await messageItem(page, 'visitor', 'Norway').count(), 0);

    // The same state through the API the page uses.
    const { conversations } = await suite.agent.listConversations('open');
    assert.deepEqual(conversations.slice(0, 2).map((c) => c.id), [other.conversationId, visitor.conversationId]);

    await page.locator('#messages li.msg').last().scrollIntoViewIfNeeded();
    const shot = await screenshot(page, 'agent-inbox');
    assert.ok(shot.endsWith('agent-inbox.png'));
    assert.deepEqual(unexpected(errors), []);
  } finally {
    await context.close();
  }
});

test('a reply that fails is shown as failed and retried with the same clientMessageId', { timeout: 60_000 }, async () => {
  const visitor = await startVisitor(suite.server.baseUrl);
  await visitor.send('Is the retry safe?');
  const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
  try {
    await page.goto(`${suite.server.baseUrl}/agent#token=${encodeURIComponent(suite.server.agentToken)}`);
    await conversationButton(page, visitor.conversationId).click({ timeout: UI_TIMEOUT });
    await messageItem(page, 'visitor', 'Is the retry safe?').waitFor({ timeout: UI_TIMEOUT });

    // The first POST never reaches the server.
    const replies = `**/v1/agent/conversations/${visitor.conversationId}/messages`;
    await page.route(replies, (route) => (route.request().method() === 'POST' ? route.abort('connectionreset') : route.continue()));
    await page.locator('#reply-input').fill('Yes, it is.');
    await page.locator('#reply-send').click();
    const failed = page.locator('#messages li.msg[data-state="failed"]', { hasText: 'Yes, it is.' });
    await failed.waitFor({ timeout: UI_TIMEOUT });
    assert.match(await failed.innerText(), /Not sent/);
    const firstId = await failed.getAttribute('data-client-message-id');

    // Retry goes through, with the same id.
    const sent = [];
    await page.unroute(replies);
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith(`/conversations/${visitor.conversationId}/messages`)) sent.push(JSON.parse(req.postData()));
    });
    await failed.getByRole('button', { name: 'Retry' }).click();
    await page.locator('#messages li.msg[data-author="agent"][data-state="sent"]', { hasText: 'Yes, it is.' }).waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.locator('#messages li.msg', { hasText: 'Yes, it is.' }).count(), 1);
    assert.deepEqual(sent.map((b) => b.clientMessageId), [firstId]);

    const { messages } = await visitor.messages();
    assert.deepEqual(messages.filter((m) => m.author.kind === 'agent').map((m) => m.clientMessageId), [firstId]);
    assert.deepEqual(errors.filter((e) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(e)), []);
  } finally {
    await context.close();
  }
});

test('a wrong token shows the sign-in error, and the form signs in with the right one', { timeout: 60_000 }, async () => {
  const { context, page, errors } = await suite.newPage({ viewport: { width: 420, height: 800 } });
  try {
    await page.goto(`${suite.server.baseUrl}/agent#token=not-a-real-token`);
    const alert = page.locator('#signin-error');
    await alert.waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.match(await alert.innerText(), /Sign-in failed: \S/);
    assert.ok(await page.locator('#token-input').isVisible(), 'the form is shown again');
    assert.ok(await page.locator('#app').isHidden(), 'the inbox is not shown');
    assert.ok(!page.url().includes('not-a-real-token'), 'the wrong token left the URL too');
    assert.equal(await page.evaluate(() => localStorage.getItem('parlour:agent-token')), null);
    await screenshot(page, 'agent-signin-error');

    // The form works with the keyboard: type the token and press Enter.
    await page.locator('#token-input').fill(suite.server.agentToken);
    await page.locator('#token-input').press('Enter');
    await page.locator('#app').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.ok(await alert.isHidden());
    assert.equal(await page.evaluate(() => localStorage.getItem('parlour:agent-token')), suite.server.agentToken);

    // A reload signs in from localStorage; signing out forgets the token.
    await page.reload();
    await page.locator('#app').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.equal(await page.locator('#me-name').textContent(), 'Demo Agent');
    await page.locator('#signout').click();
    await page.locator('#signin').waitFor({ state: 'visible', timeout: UI_TIMEOUT });
    assert.equal(await page.evaluate(() => localStorage.getItem('parlour:agent-token')), null);
    assert.deepEqual(unexpected(errors), []);
  } finally {
    await context.close();
  }
});

test('the page works under a strict Content-Security-Policy', { timeout: 60_000 }, async () => {
  const visitor = await startVisitor(suite.server.baseUrl);
  await visitor.send('Checking the CSP');
  // Served through a proxy that adds the strictest useful policy to every response.
  const proxy = await startHeaderProxy(suite.server.baseUrl, () => ({ 'content-security-policy': "default-src 'self'" }));
  const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
  try {
    await page.goto(`${proxy.baseUrl}/agent#token=${encodeURIComponent(suite.server.agentToken)}`);
    await page.locator('#conn[data-state="live"]').waitFor({ timeout: UI_TIMEOUT });
    // The inline <style> is refused; agent.js applies it as a constructable stylesheet instead.
    const layout = await page.evaluate(() => ({
      panes: getComputedStyle(document.getElementById('panes')).display,
      background: getComputedStyle(document.body).backgroundColor,
    }));
    assert.deepEqual(layout, { panes: 'grid', background: 'rgb(244, 245, 248)' });

    await conversationButton(page, visitor.conversationId).click({ timeout: UI_TIMEOUT });
    await messageItem(page, 'visitor', 'Checking the CSP').waitFor({ timeout: UI_TIMEOUT });
    await visitor.send('Still live under CSP');
    await messageItem(page, 'visitor', 'Still live under CSP').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('#reply-input').fill('Replying under CSP');
    await page.locator('#reply-input').press('Enter');
    await page.locator('#messages li.msg[data-author="agent"][data-state="sent"]', { hasText: 'Replying under CSP' }).waitFor({ timeout: UI_TIMEOUT });
    // The only thing CSP may refuse is the inline <style> that the script replaces.
    const refused = unexpected(errors).filter((e) => /Content Security Policy/i.test(e));
    assert.ok(refused.every((e) => /inline style/i.test(e)), refused.join('\n'));
    assert.deepEqual(unexpected(errors).filter((e) => !/Content Security Policy/i.test(e)), []);
  } finally {
    await context.close();
    await proxy.close();
  }
});

test('after the server restarts the page reconnects and shows what it missed', { timeout: 90_000 }, async () => {
  // Its own server, because this test kills it; a proxy keeps the page's address across restarts.
  const own = await startServer();
  const proxy = await startHeaderProxy(own.baseUrl);
  const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
  try {
    const visitor = await startVisitor(own.baseUrl);
    await visitor.send('Before the restart');
    await page.goto(`${proxy.baseUrl}/agent#token=${encodeURIComponent(own.agentToken)}`);
    await conversationButton(page, visitor.conversationId).click({ timeout: UI_TIMEOUT });
    await messageItem(page, 'visitor', 'Before the restart').waitFor({ timeout: UI_TIMEOUT });
    await page.locator('#conn[data-state="live"]').waitFor({ timeout: UI_TIMEOUT });

    await own.kill();
    await page.locator('#conn[data-state="offline"]').waitFor({ timeout: UI_TIMEOUT });
    visitor.baseUrl = await own.restart();
    // Written while the page is still disconnected: only the catch-up after reconnecting shows it.
    await visitor.send('While you were away');
    proxy.setTarget(own.baseUrl);

    await page.locator('#conn[data-state="live"]').waitFor({ timeout: 40_000 });
    await messageItem(page, 'visitor', 'While you were away').waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await messageItem(page, 'visitor', 'Before the restart').count(), 1, 'no duplicate after the catch-up');
    assert.match(await conversationButton(page, visitor.conversationId).innerText(), /While you were away/);

    // And it is live again.
    await visitor.send('Live again');
    await messageItem(page, 'visitor', 'Live again').waitFor({ timeout: UI_TIMEOUT });
    const seqs = await page.locator('#messages li.msg[data-seq]').evaluateAll((els) => els.map((e) => Number(e.dataset.seq)));
    assert.deepEqual(seqs, [1, 2, 3]);
    // While the server was down the browser logged failed connections; nothing else.
    assert.deepEqual(unexpected(errors).filter((e) => !/WebSocket connection|Failed to load resource|ERR_/.test(e)), []);
  } finally {
    await context.close();
    await proxy.close();
    await own.close();
  }
});
