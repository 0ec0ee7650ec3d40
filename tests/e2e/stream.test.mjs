// Streamed assistant replies in a real browser against the real server: a bot posts pieces of a
// reply to `POST /v1/agent/conversations/{id}/stream`; the widget shows them growing in one
// draft bubble (plain text, a caret, aria-busy, never announced piece by piece); the final reply
// with the same clientMessageId replaces the draft: one bubble, markdown rendered, the assistant
// as author, announced once.
//
// Needs `scripts/build-widget.sh` (dist/ or $PARLOUR_DIST) and `cargo build -p parlour-server`.
//   node --test tests/e2e/stream.test.mjs

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';

import { DESKTOP, useSuite } from './lib/suite.mjs';
import { WAIT, conversationOf, eventually } from './lib/widget.mjs';

describe('streamed assistant replies', () => {
  const suite = useSuite({ requires: ['chat-widget.js'] });

  /** Opens the widget on the demo page and sends `text`; returns the widget and its conversation. */
  async function visitorAsks(page, text) {
    await page.goto(`${suite.server.baseUrl}/`);
    const host = page.locator('chat-widget');
    await host.locator('button.launcher').click();
    await host.locator('.status[data-connection="online"]').waitFor(WAIT);
    const composer = host.getByLabel('Message', { exact: true });
    await composer.fill(text);
    await composer.press('Enter');
    await host.locator('.message.own[data-state="sent"]', { hasText: text }).waitFor(WAIT);
    return { host, conversation: (await conversationOf(suite.agent, text)).id };
  }

  /** The assistant's pieces of a reply, and the stored reply that ends the stream. */
  const stream = (conversation, clientMessageId, delta) => suite.agent.stream(conversation, clientMessageId, delta, { asAssistant: true });
  const finish = (conversation, clientMessageId, body) => suite.agent.reply(conversation, body, clientMessageId, { asAssistant: true });

  it('grows a draft bubble piece by piece, then the stored reply replaces it', async () => {
    const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
    const { host, conversation } = await visitorAsks(page, 'Can the bot explain streaming?');
    const me = await suite.agent.me();
    const id = randomUUID();
    const draft = host.locator('.message.draft');
    const announcer = host.locator('.sr-only[role="status"]');

    const pieces = ['Sure', ' — here is ', '**the ', 'answer**', ' in full.'];
    let soFar = '';
    for (const piece of pieces) {
      await stream(conversation, id, piece);
      soFar += piece;
      await eventually(() => draft.locator('.bubble').textContent(), soFar, `the draft shows ${JSON.stringify(soFar)}`);
      assert.equal(await draft.count(), 1, 'one draft per stream');
      assert.equal(await draft.getAttribute('aria-busy'), 'true');
      assert.equal(await draft.getAttribute('data-author'), 'assistant');
      assert.equal(await draft.locator('.caret').isVisible(), true, 'a visible caret while writing');
      assert.equal(await draft.locator('.caret').getAttribute('aria-hidden'), 'true');
      assert.equal(await draft.locator('strong').count(), 0, 'plain text while streaming');
      assert.doesNotMatch((await announcer.textContent()) ?? '', /Sure/, 'pieces are never announced');
    }
    assert.match(await draft.locator('.author').textContent(), new RegExp(me.name));
    assert.equal(await draft.locator('.delivery').textContent(), 'Writing…');

    const stored = await finish(conversation, id, 'Sure — here is **the answer** in full.');
    assert.equal(stored.author.kind, 'assistant');
    await draft.waitFor({ state: 'detached', ...WAIT });
    const replies = host.locator('.message[data-author="assistant"]');
    await replies.first().waitFor(WAIT);
    assert.equal(await replies.count(), 1, 'exactly one bubble remains');
    const reply = replies.first();
    assert.equal(await reply.getAttribute('data-seq'), String(stored.seq));
    assert.equal(await reply.getAttribute('aria-busy'), null);
    assert.equal(await reply.locator('.bubble strong').textContent(), 'the answer', 'markdown once final');
    assert.equal(await reply.locator('.bubble').textContent(), 'Sure — here is the answer in full.');
    assert.match(await reply.locator('.author').textContent(), new RegExp(me.name));
    await eventually(
      async () => ((await announcer.textContent()) ?? '').includes('the answer in full'),
      true,
      'the stored reply is announced once',
    );

    // A late piece of the finished stream does not bring a draft back.
    await stream(conversation, id, ' (late)');
    await suite.agent.reply(conversation, 'A human follows up.');
    await host.locator('.message[data-author="agent"]', { hasText: 'A human follows up.' }).waitFor(WAIT);
    assert.equal(await draft.count(), 0);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('drops a draft when the connection is replaced, and the stored reply still arrives once', async () => {
    const { context, page } = await suite.newPage({ viewport: DESKTOP });
    const { host, conversation } = await visitorAsks(page, 'Will a dropped stream recover?');
    const id = randomUUID();
    const draft = host.locator('.message.draft');
    await stream(conversation, id, 'Half an ans');
    await eventually(() => draft.locator('.bubble').textContent(), 'Half an ans', 'the draft shows the first piece');

    // The server dies mid-stream (this test runs last: it restarts the shared server).
    await suite.server.kill();
    await host.locator('.status[data-connection="reconnecting"]').waitFor(WAIT);
    await suite.server.restart({ samePort: true });
    await host.locator('.status[data-connection="online"]').waitFor({ timeout: 30_000 });
    await draft.waitFor({ state: 'detached', ...WAIT });

    // The rest of the dropped stream would be a fragment: it is not shown.
    await stream(conversation, id, 'wer, continued');
    await suite.agent.reply(conversation, 'A human checks in.');
    await host.locator('.message[data-author="agent"]', { hasText: 'A human checks in.' }).waitFor(WAIT);
    assert.equal(await draft.count(), 0, 'no draft from the tail of a dropped stream');

    await finish(conversation, id, 'Half an answer, then the whole answer.');
    const replies = host.locator('.message[data-author="assistant"]');
    await replies.first().waitFor(WAIT);
    assert.equal(await replies.count(), 1);
    assert.equal(await replies.first().locator('.bubble').textContent(), 'Half an answer, then the whole answer.');
    await context.close();
  });
});
