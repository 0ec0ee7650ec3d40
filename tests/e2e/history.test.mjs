// Conversation history, satisfaction rating and day separators in a real browser against the
// real server: an agent closes a conversation, the visitor rates it with the keyboard (the agent
// API sees the score), starts a new one, finds both under History (tabs driven by the keyboard),
// reads the closed one read-only and comes back; messages carry a "Today" separator, and a day
// later the same conversation shows "Yesterday". axe-core checks the new parts.
//
// Needs `scripts/build-widget.sh` (dist/, or PARLOUR_DIST) and `cargo build -p parlour-server`.
//   node --test tests/e2e/history.test.mjs

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

import { requestJson } from './lib/agent.mjs';
import { DESKTOP, useSuite } from './lib/suite.mjs';
import { WAIT, conversationOf, eventually, focusedInWidget as focused, forceAttributes, sendMessage, widgetParts } from './lib/widget.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DAY = 24 * 60 * 60 * 1000;
// Connected: "online", or "away" when no agent is signed in (the header says so).
const CONNECTED = '.status[data-connection="online"], .status[data-connection="away"]';

/** The widget's parts, with the tabs, the history list and the rating card. */
function parts(page) {
  const w = widgetParts(page);
  const { host } = w;
  return {
    ...w,
    composer: host.locator('.composer textarea'),
    chatTab: host.getByRole('tab', { name: 'Chat' }),
    historyTab: host.getByRole('tab', { name: 'History' }),
    chatPanel: host.locator('#parlour-chat'),
    historyPanel: host.locator('#parlour-history'),
    rows: host.locator('.history-row'),
    rating: host.locator('form.rating'),
    stars: host.getByRole('radio'),
    separators: host.locator('#parlour-chat .day-separator'),
  };
}

/** axe-core's serious or critical findings in this feature's parts (tabs, history, rating). */
async function axeSerious(page) {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const include = ['.tabs', '#parlour-history', '.rating'].map((part) => ({ fromShadowDom: ['chat-widget', part] }));
    const r = await window.axe.run({ include }, { resultTypes: ['violations', 'passes'] });
    return {
      checked: r.passes.reduce((n, p) => n + p.nodes.length, 0),
      violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target) })),
    };
  });
  assert.ok(violations.checked > 10, `axe checked ${violations.checked} nodes of the feature`);
  return violations.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('history, rating and day separators', () => {
  const suite = useSuite({ requires: ['chat-widget.js'] });

  it('rates a closed conversation with the keyboard, lists both conversations, reads one and starts anew', async () => {
    const { context, page, errors } = await suite.newPage({ viewport: DESKTOP, locale: 'en-US' });
    await page.goto(`${suite.server.baseUrl}/`);
    const w = parts(page);
    await w.launcher.click();
    await w.host.locator(CONNECTED).waitFor(WAIT);

    // Tabs: a tab list, Chat selected, History not in the Tab order.
    assert.equal(await w.host.getByRole('tablist').count(), 1);
    assert.equal(await w.chatTab.getAttribute('aria-selected'), 'true');
    assert.equal(await w.historyTab.getAttribute('tabindex'), '-1');
    assert.equal(await w.historyPanel.isVisible(), false);

    // Day separators: one "Today" before today's first message, not one per message.
    await sendMessage(w, 'First question about invoices');
    await sendMessage(w, 'And a second line');
    assert.deepEqual(await w.separators.allTextContents(), ['Today']);
    const meta = w.own('First question').locator('.meta');
    assert.equal(await meta.locator('.author').textContent(), 'You');
    assert.match(await meta.locator('time').textContent(), /\d/);

    // The agent closes it: the rating card appears; nothing can be sent without a score.
    const first = await conversationOf(suite.agent, 'second line');
    assert.equal(first.rating, undefined);
    await suite.agent.setStatus(first.id, 'closed');
    await w.rating.waitFor(WAIT);
    assert.equal(await w.host.locator('.notice.closed').count(), 1);
    assert.equal(await w.stars.count(), 5);
    assert.equal(await w.host.getByRole('group', { name: 'How was this conversation?' }).count(), 1);
    assert.equal(await w.stars.first().getAttribute('required'), '', 'no rating is sent without a score');
    assert.deepEqual(await axeSerious(page), [], 'rating card');

    // Keyboard only: the stars are one Tab stop; Space chooses, arrows move; Tab, type, submit.
    await w.stars.first().focus();
    await page.keyboard.press('Space');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
    assert.equal(await w.host.getByRole('radio', { name: '4 out of 5' }).isChecked(), true);
    assert.equal(await w.host.locator('input[name="score"]:checked').count(), 1);
    assert.equal(await page.evaluate(() => document.querySelector('chat-widget').shadowRoot.activeElement.value), '4');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'textarea.rating-comment');
    await page.keyboard.type('Quick and kind');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await w.host.getByText('Thanks for your feedback!').waitFor(WAIT);

    // The agent API sees the score and the comment.
    const { conversations: closed } = await suite.agent.listConversations('closed');
    const rated = closed.find((c) => c.id === first.id);
    assert.deepEqual([rated.rating.score, rated.rating.comment], [4, 'Quick and kind']);

    // So does the inbox: the score in the list, the comment in the thread's header.
    const inbox = await context.newPage();
    await inbox.goto(`${suite.server.baseUrl}/agent#token=${encodeURIComponent(suite.server.agentToken)}`);
    await inbox.locator('#filters button[data-status="closed"]').click();
    const item = inbox.locator(`#conversation-list .conv[data-conversation-id="${first.id}"]`);
    await item.locator('.rating-tag', { hasText: '★ 4/5' }).waitFor(WAIT);
    await item.click();
    await inbox.locator('#thread-sub', { hasText: 'rated 4/5 — “Quick and kind”' }).waitFor(WAIT);
    await inbox.close();

    // History (keyboard: arrow from the Chat tab): the one conversation, closed, rated 4.
    await w.chatTab.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await w.historyTab.getAttribute('aria-selected'), 'true');
    assert.equal(await focused(page), 'button.tab');
    await w.rows.first().waitFor(WAIT);
    assert.equal(await w.chatPanel.isVisible(), false);
    assert.equal(await w.rows.count(), 1);
    assert.match(await w.rows.first().textContent(), /Closed.*★ 4\/5.*And a second line/);

    // Start a new conversation: back in the chat, empty, focused; the next message opens one.
    const start = w.host.getByRole('button', { name: 'Start a new conversation' });
    await start.click();
    assert.equal(await w.chatTab.getAttribute('aria-selected'), 'true');
    await eventually(() => focused(page), 'textarea', 'the composer has focus');
    assert.equal(await w.host.locator('#parlour-chat .message[data-seq]').count(), 0);
    assert.equal(await w.rating.count() + (await w.host.locator('.notice.closed').count()), 0);
    await sendMessage(w, 'A brand new question');
    const second = await conversationOf(suite.agent, 'brand new question');
    assert.notEqual(second.id, first.id);

    // Both listed, newest first; the open one offers "Continue the conversation".
    await w.historyTab.click();
    await w.host.getByRole('button', { name: 'Continue the conversation' }).waitFor(WAIT);
    await eventually(() => w.rows.count(), 2, 'two conversations listed');
    assert.match(await w.rows.nth(0).textContent(), /Open.*A brand new question/);
    assert.match(await w.rows.nth(1).textContent(), /Closed.*★ 4\/5/);
    assert.equal(await w.host.getByRole('button', { name: 'Load more' }).count(), 0);
    assert.deepEqual(await axeSerious(page), [], 'history list');

    // The closed one opens read-only, with its messages and day separator; Back returns.
    await w.rows.nth(1).click();
    const back = w.host.getByRole('button', { name: 'Back to history' });
    await back.waitFor(WAIT);
    const view = w.host.locator('#parlour-history .messages.readonly');
    await view.locator('.message', { hasText: 'First question about invoices' }).waitFor(WAIT);
    assert.equal(await view.locator('.message[data-seq]').count(), 2);
    assert.deepEqual(await view.locator('.day-separator').allTextContents(), ['Today']);
    assert.equal(await w.composer.isVisible(), false, 'read-only: no composer');
    await eventually(() => focused(page), 'button.back', 'the Back control has focus');
    await back.click();
    await w.rows.nth(1).waitFor(WAIT);
    await eventually(() => focused(page), 'button.history-row', 'focus returns to the row');

    // The open (current) one opens the chat.
    await w.rows.nth(0).click();
    assert.equal(await w.chatTab.getAttribute('aria-selected'), 'true');
    await w.own('A brand new question').waitFor(WAIT);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('asks on load about an unrated closed conversation, refuses rating an open one, and shows "Yesterday" a day later', async () => {
    const { context, page, errors } = await suite.newPage({ viewport: DESKTOP, locale: 'en-US' });
    await page.goto(`${suite.server.baseUrl}/`);
    const w = parts(page);
    await w.launcher.click();
    await w.host.locator(CONNECTED).waitFor(WAIT);
    await sendMessage(w, 'Question from yesterday');
    const conversation = await conversationOf(suite.agent, 'Question from yesterday');

    // Still open: the server refuses a rating (409 CONFLICT) and the widget shows no card.
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('parlour:demo')).session.token);
    await assert.rejects(
      requestJson('POST', `${suite.server.baseUrl}/v1/widget/conversations/${conversation.id}/rating`, { token, body: { score: 5 } }),
      (err) => err.status === 409 && err.code === 'CONFLICT',
    );
    assert.equal(await w.rating.count(), 0);

    // A day later the same messages sit under "Yesterday".
    await page.clock.setSystemTime(Date.now() + DAY);
    await page.reload();
    await w.launcher.click();
    await w.own('Question from yesterday').waitFor(WAIT);
    assert.deepEqual(await w.separators.allTextContents(), ['Yesterday']);

    // Closed while the visitor was away: on the next load the card asks about it.
    await suite.agent.setStatus(conversation.id, 'closed');
    await page.reload();
    await w.launcher.click();
    await w.rating.waitFor(WAIT);
    await w.host.locator('label.star').nth(4).click();
    await w.rating.getByRole('button', { name: 'Send rating' }).click();
    await w.host.getByText('Thanks for your feedback!').waitFor(WAIT);
    const { conversations } = await suite.agent.listConversations('closed');
    assert.equal(conversations.find((c) => c.id === conversation.id).rating.score, 5);

    // Rated: a reload does not ask again.
    await page.reload();
    await w.launcher.click();
    await w.host.locator(CONNECTED).waitFor(WAIT);
    await w.historyTab.click();
    await w.rows.first().waitFor(WAIT);
    assert.match(await w.rows.first().textContent(), /★ 5\/5/);
    await w.chatTab.click();
    assert.equal(await w.rating.count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('speaks Arabic right to left in the tabs, history and rating, in the dark theme', async () => {
    const { context, page } = await suite.newPage({ viewport: DESKTOP, locale: 'ar' });
    // The demo page's widget, in the dark theme (set before the element upgrades).
    await page.addInitScript(forceAttributes, { theme: 'dark' });
    await page.goto(`${suite.server.baseUrl}/`);
    const w = parts(page);
    await w.launcher.click();
    await w.host.locator('.root[dir="rtl"][data-theme="dark"]').waitFor({ state: 'attached', ...WAIT });
    await w.host.locator(CONNECTED).waitFor(WAIT);
    await sendMessage(w, 'مرحبا');
    assert.deepEqual(await w.separators.allTextContents(), ['اليوم']);
    const conversation = await conversationOf(suite.agent, 'مرحبا');
    await suite.agent.setStatus(conversation.id, 'closed');
    await w.rating.waitFor(WAIT);
    // Right to left, Left is "next".
    await w.stars.first().focus();
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await w.host.locator('input[name="score"]:checked').getAttribute('value'), '2');
    assert.deepEqual(await axeSerious(page), [], 'rating card, dark, Arabic');
    await w.host.getByRole('tab', { name: 'السجل' }).click();
    await w.rows.first().waitFor(WAIT);
    assert.match(await w.rows.first().textContent(), /مغلقة/);
    assert.deepEqual(await axeSerious(page), [], 'history, dark, Arabic');
    await context.close();
  });
});
