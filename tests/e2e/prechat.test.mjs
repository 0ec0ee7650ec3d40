// The pre-chat form in a real browser against the real server: a project whose form is switched
// on with the admin CLI (`parlour-server project set … --pre-chat-json`); the form replaces the
// composer, is filled with the keyboard alone, refuses a bad email inline (localised, focus on
// the field), sends the details, gives the composer back (also after a reload), and agents see
// the answers (agent API and the inbox's Visitor block). `boot({name, email})` prefills: those
// fields are skipped and the values still reach the agent API.
//
// Needs the widget built (PARLOUR_DIST or dist/) and `cargo build -p parlour-server`.
//   node --test --test-concurrency=1 tests/e2e/prechat.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { before, describe, it } from 'node:test';

import { serverBin } from './lib/server.mjs';
import { DESKTOP, useSuite } from './lib/suite.mjs';
import { WAIT, conversationOf, eventually, focused as focusedIn } from './lib/widget.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const FORM = {
  enabled: true,
  fields: [
    { key: 'name', label: 'Your name', kind: 'text', required: true },
    { key: 'email', label: 'Email', kind: 'email', required: true },
    { key: 'order', label: 'Order number', kind: 'text', required: false },
  ],
};

/** Runs the admin CLI on the test server's database. */
function admin(server, ...args) {
  return execFileSync(serverBin(), ['project', ...args, '--database-url', `sqlite://${server.dbPath}`], { encoding: 'utf8' });
}

/** What has the focus inside the widget: `<tag>#<id>` or `<tag>.<class>`. */
const focused = (page) => focusedIn(page, { preferId: true });

describe('pre-chat form', () => {
  const suite = useSuite({ requires: ['widget/loader.js'], writableAssets: true });

  // The project with the form, made with the admin CLI before any test runs.
  before(() => {
    admin(suite.server, 'add', 'pc', '--name', 'Pre-chat shop');
    assert.match(admin(suite.server, 'set', 'pc', '--pre-chat-json', JSON.stringify(FORM)), /project pc updated/);
    assert.match(admin(suite.server, 'show', 'pc'), /pre-chat form: +on \[name, email, order\]/);
  });

  /** A same-origin host page (written beside the suite's widget build) with `body`. */
  async function openPage(body, { locale = 'en-US' } = {}) {
    const { context, page, errors } = await suite.newPage({ viewport: DESKTOP, locale });
    const url = suite.writePage(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Host</title><link rel="icon" href="data:,">${body}</head><body><main><h1>Host page</h1></main></body></html>`);
    await page.goto(url);
    const host = page.locator('chat-widget');
    await host.locator('.root[data-theme]').waitFor({ state: 'attached', ...WAIT });
    return { context, page, errors, host, url };
  }

  const element = (attrs) =>
    `<script type="module" src="/widget/loader.js"></script></head><body><chat-widget project-id="pc" loading="eager" ${attrs || ''}></chat-widget>`;

  /** The open conversation whose last message contains `needle`, and what its visitor told us. */
  async function visitorOf(needle) {
    const conversation = await conversationOf(suite.agent, needle);
    return { conversation, visitor: await suite.agent.visitor(conversation.id) };
  }

  it('asks first, with the keyboard alone, then gives the composer back', async () => {
    const w = await openPage(element());
    const form = w.host.locator('form.prechat');
    await w.page.keyboard.press('Tab');
    assert.equal(await focused(w.page), 'button.launcher');
    await w.page.keyboard.press('Enter');
    await form.waitFor({ state: 'visible', ...WAIT });
    assert.equal(await w.host.locator('textarea#parlour-input').count(), 0, 'no composer while the form is due');
    const name = w.host.locator('#parlour-pc-0');
    const email = w.host.locator('#parlour-pc-1');
    assert.equal(await name.getAttribute('autocomplete'), 'name');
    assert.equal(await email.getAttribute('autocomplete'), 'email');
    assert.equal(await email.getAttribute('type'), 'email');
    assert.equal(await w.host.locator('label[for="parlour-pc-0"]').textContent(), 'Your name *');
    assert.equal(await name.getAttribute('aria-required'), 'true');
    assert.equal(await w.host.locator('#parlour-pc-2').getAttribute('aria-required'), 'false');
    assert.equal(await name.evaluate((el) => getComputedStyle(el).fontSize), '16px', '16px inputs');
    await eventually(() => focused(w.page), 'input#parlour-pc-0', 'focus moves into the form');

    // Enter with nothing filled: both required fields are flagged, focus on the first.
    await w.page.keyboard.press('Enter');
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.equal(await w.host.locator('#parlour-pc-0-error').textContent(), 'Please fill in this field.');
    assert.equal(await name.getAttribute('aria-describedby'), 'parlour-pc-0-error');
    await w.page.keyboard.type('Ada Lovelace');
    assert.equal(await name.getAttribute('aria-invalid'), 'false', 'typing clears the error');
    await w.page.keyboard.press('Tab');
    await w.page.keyboard.type('ada@');
    await w.page.keyboard.press('Tab');
    await w.page.keyboard.type('A-1042');
    await w.page.keyboard.press('Enter');
    assert.equal(await w.host.locator('#parlour-pc-1-error').textContent(), 'Please enter a valid email address.');
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    await eventually(() => focused(w.page), 'input#parlour-pc-1', 'focus moves to the invalid field');
    await w.page.keyboard.type('example.com');
    await w.page.keyboard.press('Enter');

    await form.waitFor({ state: 'detached', ...WAIT });
    await eventually(() => focused(w.page), 'textarea#parlour-input', 'the composer comes back, focused');
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    await w.page.keyboard.type('Where is my order?');
    await w.page.keyboard.press('Enter');
    await w.host.locator('.message.own[data-state="sent"]', { hasText: 'Where is my order?' }).waitFor(WAIT);

    const { conversation, visitor } = await visitorOf('Where is my order?');
    assert.deepEqual(visitor, { name: 'Ada Lovelace', email: 'ada@example.com', fields: { order: 'A-1042' }, verified: false });

    // Sent once: a reload shows the conversation and the composer, not the form.
    await w.page.reload();
    await w.host.locator('button.launcher').click();
    await w.host.locator('.message.own', { hasText: 'Where is my order?' }).waitFor(WAIT);
    assert.equal(await w.host.locator('form.prechat').count(), 0);
    await w.host.locator('textarea#parlour-input').waitFor(WAIT);
    assert.deepEqual(w.errors, []);
    await w.context.close();

    // The inbox shows a Visitor block with the answers.
    const inbox = await suite.browser.newPage();
    await inbox.goto(`${suite.server.baseUrl}/agent#token=${suite.server.agentToken}`);
    await inbox.locator(`button.conv[data-conversation-id="${conversation.id}"]`).click();
    const block = inbox.locator('#visitor');
    await block.waitFor({ state: 'visible', ...WAIT });
    const text = await block.textContent();
    for (const part of ['Visitor', 'Ada Lovelace', 'ada@example.com', 'order', 'A-1042']) assert.ok(text.includes(part), `${part} in ${text}`);
    await inbox.close();
  });

  it('speaks French and Arabic (right to left)', async () => {
    for (const [locale, message] of [['fr', 'Veuillez remplir ce champ.'], ['ar', 'يُرجى ملء هذا الحقل.']]) {
      const w = await openPage(element(`locale="${locale}" default-open`));
      const form = w.host.locator('form.prechat');
      await form.waitFor({ state: 'visible', ...WAIT });
      await w.host.locator('button.pc-submit').click();
      assert.equal(await w.host.locator('#parlour-pc-0-error').textContent(), message);
      if (locale === 'ar') assert.equal(await w.host.locator('.root').getAttribute('dir'), 'rtl');
      await w.context.close();
    }
  });

  for (const theme of ['light', 'dark']) {
    it(`the form, with its errors, has no serious or critical axe-core violations (${theme})`, async () => {
      const w = await openPage(element(`theme="${theme}" default-open`));
      await w.host.locator('form.prechat').waitFor({ state: 'visible', ...WAIT });
      await w.host.locator('#parlour-pc-1').fill('not-an-email');
      await w.host.locator('button.pc-submit').click();
      await w.host.locator('#parlour-pc-0-error').filter({ hasText: 'Please fill in this field.' }).waitFor(WAIT);
      await w.page.addScriptTag({ path: axePath });
      const result = await w.page.evaluate(async () => {
        // The form only (inside the shadow root): the rest of the panel has its own axe test.
        const r = await window.axe.run({ include: [{ fromShadowDom: ['chat-widget', 'form.prechat'] }] }, { resultTypes: ['violations', 'passes'] });
        const inForm = (n) => Array.isArray(n.target[0]) && String(n.target[0][0]).startsWith('chat-widget');
        return {
          violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target) })),
          formChecks: r.passes.flatMap((p) => p.nodes.filter(inForm).map(() => p.id)),
        };
      });
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
      for (const rule of ['color-contrast', 'label', 'button-name', 'aria-valid-attr-value']) {
        assert.ok(result.formChecks.includes(rule), `axe checked ${rule} in the form: ${[...new Set(result.formChecks)]}`);
      }
      await w.context.close();
    });
  }

  it('boot({name, email}) skips those fields and reaches the agent API', async () => {
    const w = await openPage(`<script>
      window.ChatWidget = window.ChatWidget || function () { (ChatWidget.q = ChatWidget.q || []).push(arguments) };
      ChatWidget('boot', { apiBaseUrl: location.origin, app_id: 'pc', name: 'Grace Hopper', email: 'grace@example.com', loading: 'eager' });
    </script><script type="module" src="/widget/loader.js"></script>`);
    await w.host.locator('button.launcher').click();
    const form = w.host.locator('form.prechat');
    await form.waitFor({ state: 'visible', ...WAIT });
    assert.deepEqual(await form.locator('label').allTextContents(), ['Order number'], 'name and email are not asked again');
    await form.locator('input').fill('B-7');
    await form.locator('input').press('Enter');
    await form.waitFor({ state: 'detached', ...WAIT });
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    await w.host.locator('textarea#parlour-input').fill('Booted visitor here');
    await w.host.locator('textarea#parlour-input').press('Enter');
    const { visitor } = await visitorOf('Booted visitor here');
    assert.deepEqual(visitor, { name: 'Grace Hopper', email: 'grace@example.com', fields: { order: 'B-7' }, verified: false });
    assert.deepEqual(w.errors, []);
    await w.context.close();
  });

  it('boot({name, email}) on a project without a form reaches the agent API at init', async () => {
    const w = await openPage(`<script>
      window.ChatWidget = window.ChatWidget || function () { (ChatWidget.q = ChatWidget.q || []).push(arguments) };
      ChatWidget('boot', { apiBaseUrl: location.origin, app_id: 'demo', name: 'Alan Turing', email: 'alan@example.com', loading: 'eager' });
    </script><script type="module" src="/widget/loader.js"></script>`);
    await w.host.locator('button.launcher').click();
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    assert.equal(await w.host.locator('form.prechat').count(), 0, 'no form on the demo project');
    await w.host.locator('textarea#parlour-input').fill('Hello from Alan');
    await w.host.locator('textarea#parlour-input').press('Enter');
    const { visitor } = await visitorOf('Hello from Alan');
    assert.deepEqual(visitor, { name: 'Alan Turing', email: 'alan@example.com', fields: {}, verified: false });
    await w.context.close();
  });
});
