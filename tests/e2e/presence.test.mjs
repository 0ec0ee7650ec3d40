// Agent presence and away mode in a real browser: the header says "We're online" with the
// agent's initials while an agent feed (/ws/agent) is open and "Away" once it closes; while
// nobody is online, the visitor's first message brings the away card, which refuses a bad email,
// saves a good one (the agent API sees it) and is not shown again after a reload.
//
// Needs `scripts/build-widget.sh` (dist/) and `cargo build -p parlour-server` first.
//   node --test tests/e2e/presence.test.mjs

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { useSuite } from './lib/suite.mjs';
import { WAIT, sendMessage, widgetParts as baseParts } from './lib/widget.mjs';

/**
 * Opens the agents' live feed (`/ws/agent?token=…`) on the suite's server from a page of its
 * own, as the agent inbox does (Node 20 has no WebSocket client); `close()` ends it.
 */
async function openAgentFeed({ browser, server: { baseUrl, agentToken: token } }) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${baseUrl}/healthz`);
  const ready = await page.evaluate((url) => new Promise((resolve, reject) => {
    const feed = new WebSocket(url);
    window.feed = feed;
    feed.onmessage = (e) => resolve(JSON.parse(e.data));
    feed.onerror = () => reject(new Error('the agent feed failed'));
  }), `${baseUrl.replace('http', 'ws')}/ws/agent?token=${encodeURIComponent(token)}`);
  assert.equal(ready.type, 'ready');
  return {
    agent: ready.agent,
    close: async () => {
      await page.evaluate(() => window.feed.close());
      await context.close();
    },
  };
}

/** The widget's parts, with the header's presence and the away card. */
function widgetParts(page) {
  const w = baseParts(page);
  const { host } = w;
  return {
    ...w,
    status: host.locator('.header .status'),
    avatars: host.locator('.header .avatars'),
    face: host.locator('.header .avatar'),
    card: host.locator('form.away'),
    email: host.getByRole('textbox', { name: 'Your email', exact: true }),
    save: host.getByRole('button', { name: 'Save' }),
    saved: host.locator('.away.saved'),
  };
}

async function openChat(page, baseUrl) {
  await page.goto(`${baseUrl}/`);
  const w = widgetParts(page);
  await w.launcher.click();
  await w.panel.waitFor(WAIT);
  return w;
}

describe('agent presence and away mode', () => {
  const suite = useSuite({ requires: ['chat-widget.js'] });

  it('shows the team online with the agent initials while a feed is open, and away after', async () => {
    const { context, page, errors } = await suite.newPage();
    const w = await openChat(page, suite.server.baseUrl);
    // Presence can arrive before the socket is up (the line then still says "Connecting…").
    await w.host.locator('.status[data-presence="away"][data-connection="online"]').waitFor(WAIT);
    assert.equal(await w.status.textContent(), 'Away — we\'ll reply by email');

    const feed = await openAgentFeed(suite);
    await w.host.locator('.status[data-presence="online"]', { hasText: 'We\'re online' }).waitFor(WAIT);
    assert.equal(await w.avatars.getAttribute('role'), 'img');
    assert.equal(await w.avatars.getAttribute('aria-label'), feed.agent.name);
    assert.equal(await w.face.innerText(), 'DA', `the initials of ${feed.agent.name}`);

    await feed.close();
    await w.host.locator('.status[data-presence="away"]', { hasText: 'Away' }).waitFor(WAIT);
    assert.equal(await w.avatars.count(), 0, 'no agent faces while nobody is online');
    assert.equal(await w.face.innerText(), 'PD', 'the project\'s initials instead');
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('follows the agent inbox: online while it is open, away when its agent presses Away', async () => {
    const { context, page } = await suite.newPage();
    const w = await openChat(page, suite.server.baseUrl);
    await w.host.locator('.status[data-presence="away"]').waitFor(WAIT);

    const inboxContext = await suite.browser.newContext();
    const inbox = await inboxContext.newPage();
    await inbox.goto(`${suite.server.baseUrl}/agent#token=${encodeURIComponent(suite.server.agentToken)}`);
    await w.host.locator('.status[data-presence="online"]').waitFor(WAIT);
    const away = inbox.getByRole('button', { name: 'Away', exact: true });
    assert.equal(await away.getAttribute('aria-pressed'), 'false');
    await away.click();
    assert.equal(await away.getAttribute('aria-pressed'), 'true');
    await w.host.locator('.status[data-presence="away"]').waitFor(WAIT);
    // The choice survives a reload of the inbox.
    await inbox.reload();
    await inbox.locator('#conn[data-state="live"]').waitFor(WAIT);
    assert.equal(await inbox.getByRole('button', { name: 'Away', exact: true }).getAttribute('aria-pressed'), 'true');
    await inbox.getByRole('button', { name: 'Away', exact: true }).click();
    await w.host.locator('.status[data-presence="online"]').waitFor(WAIT);
    await inboxContext.close();
    await w.host.locator('.status[data-presence="away"]').waitFor(WAIT);
    await context.close();
  });

  it('asks for an email after the first message while away, refuses a bad one and saves a good one', async () => {
    const { context, page, errors } = await suite.newPage();
    const w = await openChat(page, suite.server.baseUrl);
    await w.host.locator('.status[data-presence="away"]').waitFor(WAIT);
    assert.equal(await w.card.count(), 0, 'not before the visitor writes');

    await sendMessage(w, 'Is anyone around for the away test?');
    await w.card.waitFor(WAIT);
    assert.match(await w.card.textContent(), /We're away\. Leave your email and we'll reply there\./);
    assert.equal(await w.email.getAttribute('type'), 'email');
    assert.equal(await w.email.getAttribute('autocomplete'), 'email');
    assert.equal(await w.email.evaluate((el) => getComputedStyle(el).fontSize), '16px');

    await w.email.fill('not-an-email');
    await w.save.click();
    await w.card.getByRole('alert').filter({ hasText: 'Please enter a valid email address.' }).waitFor(WAIT);
    assert.equal(await w.email.getAttribute('aria-invalid'), 'true');

    await w.email.fill('ada@example.com');
    await w.email.press('Enter');
    await w.saved.waitFor(WAIT);
    assert.equal(await w.saved.textContent(), 'We\'ll reply to you at ada@example.com');

    // The agent sees where to reply.
    const { conversations } = await suite.agent.listConversations('open');
    const conversation = conversations.find((c) => c.lastMessage?.body.includes('away test'));
    assert.ok(conversation, 'the conversation is listed');
    const visitor = await suite.agent.visitor(conversation.id);
    assert.equal(visitor.email, 'ada@example.com');

    // Not asked again, even after a reload.
    await page.reload();
    const again = widgetParts(page);
    await again.launcher.click();
    await again.saved.waitFor(WAIT);
    assert.equal(await again.card.count(), 0);

    // With an agent online the card steps aside.
    const feed = await openAgentFeed(suite);
    await again.saved.waitFor({ state: 'detached', ...WAIT });
    await feed.close();
    assert.deepEqual(errors, []);
    await context.close();
  });
});
