// The widget people expect, in a real browser against the real server: the team's markdown
// rendered safely (hostile payloads stay text), French and Arabic (right to left, mirrored), light,
// dark and auto themes, bottom-left, `::part()` and `--parlour-*` styling from the host page, a
// full-screen phone layout, a keyboard-only conversation, and axe-core finding no serious or
// critical accessibility violation in light and dark.
//
// Needs `scripts/build-widget.sh` (dist/, or PARLOUR_DIST) and `cargo build -p parlour-server`.
//   node --test tests/e2e/ui.test.mjs

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

import { screenshot } from './lib/browser.mjs';
import { DESKTOP, useSuite } from './lib/suite.mjs';
import { WAIT, conversationOf, eventually, focused, widgetParts } from './lib/widget.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const escape = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A same-origin host page with one `<chat-widget>` (loaded eagerly) and the test's attributes and
 * CSS, written beside the suite's widget build (`writePage`); waits until the WASM widget has
 * mounted.
 */
async function openWidget(suite, { attrs = {}, css = '', context: contextOptions = {} } = {}) {
  const { context, page, errors } = await suite.newPage({ viewport: DESKTOP, locale: 'en-US', ...contextOptions });
  const attributes = Object.entries({ 'project-id': 'demo', title: 'Parlour demo', loading: 'eager', ...attrs })
    .map(([k, v]) => `${k}="${escape(v)}"`)
    .join(' ');
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Host page</title><link rel="icon" href="data:,">
<style>body{font:16px/1.5 Georgia,serif;margin:40px;color:#222;background:#fff}${css}</style>
<script type="module" src="/widget/loader.js"></script></head>
<body><main><h1>A host page</h1><p>Some content under the widget.</p></main>
<chat-widget ${attributes}></chat-widget></body></html>`;
  await page.goto(suite.writePage(html));
  const parts = widgetParts(page);
  const { host } = parts;
  await host.locator('.root[data-theme]').waitFor({ state: 'attached', ...WAIT });
  const w = {
    ...parts,
    context,
    page,
    errors,
    root: host.locator('.root[data-theme]'),
    panel: host.locator('section.panel'),
    composer: host.locator('textarea'),
    send: host.locator('button.send'),
    async open() {
      await w.launcher.click();
      await w.panel.waitFor({ state: 'visible', ...WAIT });
      await host.locator('.status[data-connection="online"]').waitFor(WAIT);
    },
    async sendText(text) {
      await w.composer.fill(text);
      await w.composer.press('Enter');
      await host.locator('.message.own[data-state="sent"]').last().waitFor(WAIT);
    },
  };
  return w;
}

const style = (locator, prop) => locator.evaluate((el, p) => getComputedStyle(el)[p], prop);

describe('widget UI: markdown, languages, themes, mobile, accessibility', () => {
  const suite = useSuite({ requires: ['widget/loader.js'], writableAssets: true });

  it("renders the team's markdown, and hostile payloads only as text", async () => {
    const w = await openWidget(suite);
    await w.open();
    await w.sendText('Markdown please, **with my own bold**');
    assert.equal(await w.own('with my own bold').locator('.bubble strong').textContent(), 'with my own bold');
    const conversation = await conversationOf(suite.agent, 'Markdown please');

    const rich = [
      '**Bold**, *italic* and `inline <code>`',
      '',
      '- one',
      '- two',
      '',
      '1. first',
      '2. second',
      '',
      '```',
      'let x = "<b>1</b>";',
      '```',
      'Read [the docs](https://example.com/docs) or https://example.org/x. Mail [us](mailto:help@example.com).',
    ].join('\n');
    await suite.agent.reply(conversation.id, rich);
    const bubble = w.fromAgent('the docs').locator('.bubble');
    await bubble.waitFor(WAIT);
    assert.equal(await bubble.locator('strong').first().textContent(), 'Bold');
    assert.equal(await bubble.locator('em').textContent(), 'italic');
    assert.equal(await bubble.locator('p code').textContent(), 'inline <code>');
    assert.deepEqual(await bubble.locator('ul > li').allTextContents(), ['one', 'two']);
    assert.deepEqual(await bubble.locator('ol > li').allTextContents(), ['first', 'second']);
    assert.equal(await bubble.locator('pre > code').textContent(), 'let x = "<b>1</b>";');
    assert.equal(await bubble.locator('b').count(), 0);
    const links = await bubble.locator('a').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.rel, a.target, a.textContent]));
    assert.deepEqual(links, [
      ['https://example.com/docs', 'noopener noreferrer', '_blank', 'the docs'],
      ['https://example.org/x', 'noopener noreferrer', '_blank', 'https://example.org/x'],
      ['mailto:help@example.com', 'noopener noreferrer', '_blank', 'us'],
    ]);

    const hostile = [
      '<img src=x onerror="window.pwned=1"> <script>window.pwned=2</script>',
      '[click](javascript:window.pwned=3) [x](JaVaScRiPt:window.pwned=4) [y]( javascript:window.pwned=5)',
      '[d](data:text/html;base64,PHNjcmlwdD4=) [v](vbscript:msgbox) [p](//evil.example) <a href="javascript:alert(1)">a</a>',
    ].join('\n');
    await suite.agent.reply(conversation.id, hostile);
    const bad = w.fromAgent('vbscript').locator('.bubble');
    await bad.waitFor(WAIT);
    assert.equal(await bad.locator('img, script, a').count(), 0, 'no element comes from the payload');
    assert.equal(await bad.textContent(), hostile, 'the payload is shown exactly as written');
    await bad.click();
    assert.equal(await w.page.evaluate(() => window.pwned), undefined);

    // New messages are announced politely, as text, outside the log; the log itself is not live.
    const live = w.host.locator('.sr-only[aria-live="polite"]');
    await eventually(async () => (await live.textContent()).startsWith('New message from'), true, 'announced');
    assert.match(await live.textContent(), /\[click\]\(javascript:window\.pwned=3\)/);
    assert.equal(await w.host.locator('.messages').getAttribute('aria-live'), 'off');
    await w.composer.fill('Thanks!');
    await screenshot(w.page, 'ui-light');
    assert.deepEqual(w.errors, []);
    await w.context.close();
  });

  it('speaks French', async () => {
    const w = await openWidget(suite, { attrs: { locale: 'fr-FR' } });
    assert.equal(await w.root.getAttribute('lang'), 'fr');
    assert.equal(await w.root.getAttribute('dir'), 'ltr');
    assert.equal(await w.launcher.getAttribute('aria-label'), 'Ouvrir la discussion');
    await w.open();
    assert.equal(await w.launcher.getAttribute('aria-label'), 'Réduire la discussion');
    assert.equal(await w.host.locator('.header button').getAttribute('aria-label'), 'Fermer la discussion');
    assert.equal(await w.composer.getAttribute('placeholder'), 'Écrivez un message…');
    assert.equal(await w.send.getAttribute('aria-label'), 'Envoyer le message');
    assert.equal(await w.host.locator('label[for="parlour-input"]').textContent(), 'Message');
    // No agent is online in these tests: the header says the team is away (README, "Agent presence").
    assert.equal(await w.host.locator('.status').textContent(), 'Absents — nous répondrons par e-mail');
    assert.equal(await w.host.locator('.messages').getAttribute('aria-label'), 'Conversation');
    await w.sendText('Bonjour');
    assert.equal(await w.own('Bonjour').locator('.author').textContent(), 'Vous');
    assert.equal(await w.own('Bonjour').locator('.delivery').textContent(), 'Envoyé');
    await w.context.close();
  });

  it('speaks Arabic right to left, mirrored, the launcher on the left by default', async () => {
    const w = await openWidget(suite, { attrs: { locale: 'ar' } });
    assert.equal(await w.root.getAttribute('dir'), 'rtl');
    assert.equal(await w.root.getAttribute('lang'), 'ar');
    assert.equal(await w.root.getAttribute('data-position'), 'left');
    assert.equal(await style(w.root, 'direction'), 'rtl');
    assert.equal(await w.launcher.getAttribute('aria-label'), 'فتح المحادثة');
    const launcherBox = await w.launcher.boundingBox();
    assert.ok(launcherBox.x < 100, `launcher on the left (x=${launcherBox.x})`);
    await w.open();
    const panelBox = await w.panel.boundingBox();
    assert.ok(panelBox.x < 100, `panel on the left (x=${panelBox.x})`);
    assert.equal(await w.composer.getAttribute('placeholder'), 'اكتب رسالة…');
    await w.sendText('مرحبا');
    // Own messages sit at the inline end: the left in Arabic.
    const own = await w.own('مرحبا').locator('.bubble').boundingBox();
    const welcome = await w.host.locator('.welcome .bubble').boundingBox();
    assert.ok(own.x < welcome.x, 'own bubble left of the welcome bubble');
    assert.equal(await w.own('مرحبا').locator('.author').textContent(), 'أنت');
    // An explicit position wins over the reading direction.
    await screenshot(w.page, 'ui-rtl');
    await w.context.close();

    const right = await openWidget(suite, { attrs: { locale: 'ar', position: 'bottom-right' } });
    assert.equal(await right.root.getAttribute('data-position'), 'right');
    assert.ok((await right.launcher.boundingBox()).x > DESKTOP.width - 100);
    await right.context.close();
  });

  it('follows theme="dark" and theme="auto" (live with the system setting)', async () => {
    const canvas = (w) => style(w.host.locator('.messages'), 'backgroundColor');
    const LIGHT = 'rgb(246, 247, 251)';
    const DARK = 'rgb(18, 20, 25)';

    const dark = await openWidget(suite, { attrs: { theme: 'dark' } });
    await dark.open();
    assert.equal(await canvas(dark), DARK);
    assert.equal(await style(dark.composer, 'backgroundColor'), 'rgb(36, 40, 49)');
    await dark.sendText('Dark **mode** with `code` and https://example.com');
    await dark.composer.fill('Draft in the dark');
    await screenshot(dark.page, 'ui-dark');
    await dark.context.close();

    const auto = await openWidget(suite, { attrs: { theme: 'auto' }, context: { colorScheme: 'light' } });
    await auto.open();
    assert.equal(await canvas(auto), LIGHT);
    await auto.page.emulateMedia({ colorScheme: 'dark' });
    await eventually(() => canvas(auto), DARK, 'auto follows the system to dark');
    await auto.page.emulateMedia({ colorScheme: 'light' });
    await eventually(() => canvas(auto), LIGHT, 'and back to light');
    await auto.context.close();

    const light = await openWidget(suite, { context: { colorScheme: 'dark' } });
    await light.open();
    assert.equal(await canvas(light), LIGHT, 'light is the default, whatever the system says');
    await light.context.close();
  });

  it('sits bottom-left, and the host styles it through ::part() and --parlour-* properties', async () => {
    const css = `
      chat-widget { --parlour-primary: #0f766e; --parlour-left: 32px; --parlour-bottom: 24px; --parlour-font-family: Georgia, serif; }
      chat-widget::part(launcher) { border-radius: 12px; }
      chat-widget::part(header) { letter-spacing: 1px; }
      chat-widget::part(send-button) { border-radius: 20px; }`;
    const w = await openWidget(suite, { attrs: { position: 'bottom-left', 'z-index': '1234' }, css });
    assert.equal(await w.root.getAttribute('data-position'), 'left');
    assert.equal(await style(w.root, 'zIndex'), '1234');
    assert.equal(await style(w.launcher, 'borderRadius'), '12px');
    assert.equal(await style(w.launcher, 'backgroundColor'), 'rgb(15, 118, 110)');
    const box = await w.launcher.boundingBox();
    assert.equal(box.x, 32);
    assert.equal(DESKTOP.height - (box.y + box.height), 24);
    await w.open();
    assert.equal(await style(w.send, 'borderRadius'), '20px');
    assert.equal(await style(w.host.locator('.header'), 'letterSpacing'), '1px');
    assert.match(await style(w.composer, 'fontFamily'), /Georgia/);
    const parts = await w.host.evaluate((el) => [...el.shadowRoot.querySelectorAll('[part]')].map((p) => p.getAttribute('part')));
    for (const part of ['launcher', 'panel', 'header', 'messages', 'composer', 'send-button']) {
      assert.ok(parts.includes(part), `part="${part}"`);
    }
    await w.sendText('Parts');
    assert.equal(await w.own('Parts').getAttribute('part'), 'message');
    assert.ok((await w.panel.boundingBox()).x < 100);
    await w.context.close();
  });

  it('goes full screen on a phone, with 16px inputs', async () => {
    const w = await openWidget(suite, {
      context: { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    });
    await w.launcher.tap();
    await w.panel.waitFor({ state: 'visible', ...WAIT });
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    await eventually(async () => {
      const b = await w.panel.boundingBox();
      return [b.x, b.y, b.width, b.height].map(Math.round);
    }, [0, 0, 375, 667], 'the panel fills the screen');
    assert.equal(await style(w.composer, 'fontSize'), '16px');
    assert.equal(await w.launcher.isVisible(), false, 'the launcher hides behind the full-screen panel');
    // The composer sits at the bottom of the visual viewport.
    const composer = await w.host.locator('form.composer').boundingBox();
    assert.equal(Math.round(composer.y + composer.height), 667);
    await w.sendText('Hello from a phone');
    await screenshot(w.page, 'ui-mobile');
    // The close button is still there to leave the full-screen panel.
    await w.host.locator('.header button').tap();
    await w.panel.waitFor({ state: 'hidden', ...WAIT });
    await w.context.close();
  });

  it('works with the keyboard alone', async () => {
    const w = await openWidget(suite);
    await w.page.keyboard.press('Tab');
    assert.equal(await focused(w.page), 'button.launcher', 'Tab reaches the launcher');
    assert.equal(await style(w.launcher, 'outlineStyle'), 'solid', 'with a visible focus ring');
    await w.page.keyboard.press('Enter');
    await w.panel.waitFor({ state: 'visible', ...WAIT });
    await eventually(() => focused(w.page), 'textarea', 'opening moves focus into the composer');
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    await w.page.keyboard.type('Typed with the keyboard');
    await w.page.keyboard.press('Enter');
    await w.host.locator('.message.own[data-state="sent"]', { hasText: 'Typed with the keyboard' }).waitFor(WAIT);
    // Backwards through the panel: the away card (nobody is online), the log (scrollable,
    // focusable), the selected tab (the only one in the Tab order), then the close button.
    await w.host.locator('form.away').waitFor(WAIT);
    await w.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(w.page), 'button.away-save');
    await w.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(w.page), 'input');
    await w.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(w.page), 'div.messages');
    await w.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(w.page), 'button.tab');
    assert.equal(await w.host.locator('button.tab[aria-selected="true"]').textContent(), 'Chat');
    await w.page.keyboard.press('Shift+Tab');
    assert.equal(await focused(w.page), 'button.icon-button');
    assert.equal(await style(w.host.locator('.header button'), 'outlineStyle'), 'solid');
    await w.page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'hidden', ...WAIT });
    await eventually(() => focused(w.page), 'button.launcher', 'Escape closes and focus returns to the launcher');
    await w.page.keyboard.press('Enter');
    await eventually(() => focused(w.page), 'textarea', 'and Enter opens it again');
    await w.context.close();
  });

  for (const theme of ['light', 'dark']) {
    it(`has no serious or critical axe-core violations (${theme})`, async () => {
      const w = await openWidget(suite, { attrs: { theme } });
      await w.open();
      await w.sendText('Checking **accessibility** with [a link](https://example.com)');
      const conversation = await conversationOf(suite.agent, 'Checking');
      await suite.agent.reply(conversation.id, 'Sure: `code`, *emphasis* and\n- a list');
      await w.fromAgent('a list').waitFor(WAIT);
      await w.page.addScriptTag({ path: axePath });
      const result = await w.page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations', 'passes'] });
        const inWidget = (n) => Array.isArray(n.target[0]) && String(n.target[0][0]).startsWith('chat-widget');
        return {
          violations: r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target) })),
          widgetChecks: r.passes.flatMap((p) => p.nodes.filter(inWidget).map(() => p.id)),
        };
      });
      const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(serious, [], JSON.stringify(serious, null, 2));
      // axe really looked inside the shadow root: contrast, names and ARIA of the widget's nodes.
      for (const rule of ['color-contrast', 'button-name', 'label', 'aria-allowed-attr']) {
        assert.ok(result.widgetChecks.includes(rule), `axe checked ${rule} inside the widget`);
      }
      assert.ok(result.widgetChecks.length > 50, `axe checked ${result.widgetChecks.length} widget nodes`);
      await w.context.close();
    });
  }
});
