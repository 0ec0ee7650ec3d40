// What the browser suites share about the widget: its parts (through the open shadow root),
// sending a message, finding the conversation it made through the agent API, waiting for a
// condition, and forcing a transport.
import assert from 'node:assert/strict';

const WAIT = { timeout: 15_000 };
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

/** Init script (`page.addInitScript(forceTransport, mode)`): gives every `<chat-widget>` a
 *  `transport` attribute before the loader mounts it. */
export function forceTransport(mode) {
  new MutationObserver(() => {
    for (const el of document.querySelectorAll('chat-widget:not([transport])')) el.setAttribute('transport', mode);
  }).observe(document, { childList: true, subtree: true });
}
