// What the browser suites share about the widget: its parts (through the open shadow root),
// sending a message, finding the conversation it made through the agent API, waiting for a
// condition, what has the focus, and attributes forced on before the widget mounts.
import assert from 'node:assert/strict';

/** How long a suite waits for the widget to show something. */
export const WAIT = { timeout: 15_000 };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The parts of the `nth` `<chat-widget>` on `page`. */
export function widgetParts(page, nth = 0) {
  const host = page.locator('chat-widget').nth(nth);
  return {
    host,
    launcher: host.locator('button.launcher'),
    panel: host.getByRole('dialog'),
    composer: host.getByLabel('Message', { exact: true }),
    send: host.getByRole('button', { name: 'Send message' }),
    close: host.getByRole('button', { name: 'Close chat' }),
    /** The visitor's own message holding `text`, in delivery `state` if given. */
    own: (text, state) => host.locator(`.message.own${state ? `[data-state="${state}"]` : ''}`, { hasText: text }),
    fromAgent: (text) => host.locator('.message[data-author="agent"]', { hasText: text }),
    /** Messages the server stored (they carry their `seq`). */
    stored: host.locator('.message[data-seq]'),
  };
}

/** Types `text`, presses Enter and waits until the message shows in `state` (`sent` by default). */
export async function sendMessage(w, text, { state = 'sent', wait = WAIT } = {}) {
  await w.composer.fill(text);
  await w.composer.press('Enter');
  await w.own(text, state).waitFor(wait);
}

/** The agent API's conversation (with `status`) whose last message contains `needle`. */
export async function conversationOf(agent, needle, status = 'open') {
  for (let i = 0; i < 100; i++) {
    const { conversations } = await agent.listConversations(status);
    const found = conversations.find((c) => c.lastMessage?.body.includes(needle));
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`no ${status} conversation whose last message contains ${JSON.stringify(needle)}`);
}

/** Polls `fn` until its result deep-equals `want` (about 5 s), then asserts it. */
export async function eventually(fn, want, what) {
  let got;
  for (let i = 0; i < 100; i++) {
    got = await fn();
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    await sleep(50);
  }
  assert.deepEqual(got, want, what);
}

/** The element focused inside the `nth` widget's shadow root, as `tag.className` (or null). */
export function focusedInWidget(page, nth = 0) {
  return page.evaluate((i) => {
    const el = document.querySelectorAll('chat-widget')[i].shadowRoot.activeElement;
    return el ? `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}` : null;
  }, nth);
}

/**
 * What has the focus, inside a widget's shadow root or else on the page: `tag.firstClass`, or
 * with `preferId` `tag#id` when the element has an id.
 */
export function focused(page, { preferId = false } = {}) {
  return page.evaluate((byId) => {
    const outer = document.activeElement;
    const el = (outer && outer.shadowRoot ? outer.shadowRoot.activeElement : null) || outer;
    if (!el) return null;
    const tag = el.tagName.toLowerCase();
    if (byId && el.id) return `${tag}#${el.id}`;
    return `${tag}${el.classList.length ? `.${el.classList[0]}` : ''}`;
  }, preferId);
}

/** Init script (`page.addInitScript(forceAttributes, { transport: 'polling' })`): gives every
 *  `<chat-widget>` the attributes it does not have yet, before the loader mounts it. */
export function forceAttributes(attrs) {
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('chat-widget')) {
      for (const [name, value] of Object.entries(attrs)) if (!el.hasAttribute(name)) el.setAttribute(name, value);
    }
  }).observe(document, { childList: true, subtree: true });
}
