// Attachments in the widget, in Chromium against the real server (started with a 4 KiB upload
// limit): files picked with the paperclip (setInputFiles on the shadow-DOM input), pasted into
// the composer (a ClipboardEvent carrying a DataTransfer) and dropped on the panel (DragEvents,
// with the drop overlay) upload at once with a progress bar; a PNG shows a blob: thumbnail in the
// tray (revoked once sent) and a server-served lazy thumbnail in the message; the agent API sees
// the message with its attachments. Too large (caught before uploading, and the server's 413),
// unsupported (415) and lost uploads (with Retry) show localised errors, and nothing is sent; a
// message waiting in the outbox keeps its files across a reload.
//
// Needs `scripts/build-widget.sh` (dist/ or $PARLOUR_DIST) and `cargo build -p parlour-server`.
//   node --test tests/e2e/attachments.test.mjs

import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { describe, it } from 'node:test';

import { DESKTOP, useSuite } from './lib/suite.mjs';
import { WAIT, eventually, forceAttributes, widgetParts } from './lib/widget.mjs';

const LIMIT = 4096;

/** CRC-32 (PNG chunks). */
function crc32(bytes) {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
}

/** A `size`×`size` PNG of one colour. */
function png(size, [r, g, b]) {
  const chunk = (type, data) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: size }, () => [r, g, b]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: size }, () => row)));
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

const RED = png(32, [220, 38, 38]);
const BLUE = png(32, [37, 99, 235]);
const NOTES = Buffer.from('Order #1042: the parcel never arrived.\n');
const TOO_LARGE = Buffer.from('x'.repeat(LIMIT + 1000));
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0x3e, 0]);

describe('attachments in the widget', () => {
  const suite = useSuite({ requires: ['chat-widget.js'], serverArgs: ['--max-upload-bytes', String(LIMIT)] });

  /** A fresh visitor with the chat open and online; `locale` optional. */
  async function openWidget({ locale } = {}) {
    const { context, page, errors } = await suite.newPage({ viewport: DESKTOP });
    if (locale) await page.addInitScript(forceAttributes, { locale });
    const uploads = [];
    page.on('request', (req) => {
      if (new URL(req.url()).pathname === '/v1/widget/uploads') uploads.push(req);
    });
    return { context, page, errors, uploads };
  }

  async function launch(page) {
    await page.goto(`${suite.server.baseUrl}/`);
    const w = widgetParts(page);
    await w.launcher.click();
    await w.host.locator('.status[data-connection="online"]').waitFor(WAIT);
    return {
      ...w,
      picker: w.host.locator('input[type="file"]'),
      attach: w.host.getByRole('button', { name: 'Attach files' }),
      tray: w.host.locator('.tray'),
      item: (name) => w.host.locator('.tray .upload', { hasText: name }),
    };
  }

  /** The conversation the page's widget is in (its stored session). */
  const conversationId = (page) =>
    page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('parlour:'));
      return JSON.parse(localStorage.getItem(key))?.session?.conversationId ?? null;
    });

  async function storedMessage(conversation, predicate) {
    for (let i = 0; i < 100; i++) {
      const { messages } = await suite.agent.messages(conversation);
      const found = messages.find(predicate);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the agent API never showed the message');
  }

  async function uploaded(item) {
    await item.locator(':scope[data-state="done"]').waitFor(WAIT);
    assert.equal(await item.locator('progress').evaluate((p) => [p.max, p.value].join('/')), '100/100', 'the progress bar is full');
  }

  it('picks files with the paperclip, shows progress and a thumbnail, sends them and the agent sees them', async () => {
    const { context, page, errors, uploads } = await openWidget();
    const w = await launch(page);
    assert.equal(await w.attach.isVisible(), true, 'a labelled paperclip');
    assert.equal(await w.picker.isVisible(), false, 'the file input itself is hidden');
    // The paperclip opens the picker.
    const chooser = page.waitForEvent('filechooser');
    await w.attach.click();
    assert.equal((await chooser).isMultiple(), true);

    await w.picker.setInputFiles([
      { name: 'red.png', mimeType: 'image/png', buffer: RED },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: NOTES },
    ]);
    await uploaded(w.item('red.png'));
    await uploaded(w.item('notes.txt'));
    assert.equal(uploads.length, 2);
    assert.equal(uploads[0].headers().authorization?.startsWith('Bearer '), true, 'the session token goes with it');
    const thumb = w.item('red.png').locator('img.upload-thumb');
    const blob = await thumb.getAttribute('src');
    assert.match(blob, /^blob:/, 'an image shows a local thumbnail');
    assert.equal(await w.item('notes.txt').locator('.upload-size').textContent(), `${NOTES.length} B`);
    assert.equal(await w.host.getByRole('button', { name: 'Remove notes.txt' }).isVisible(), true);
    assert.equal(await w.send.isEnabled(), true, 'files alone can be sent');

    await w.composer.fill('Here are my files');
    await w.composer.press('Enter');
    const mine = w.own('Here are my files', 'sent');
    await mine.waitFor(WAIT);
    assert.equal(await w.tray.isVisible(), false, 'the tray empties once sent');
    assert.equal(
      await page.evaluate((url) => fetch(url).then(() => 'alive', () => 'revoked'), blob),
      'revoked',
      'the object URL is revoked once sent',
    );

    const image = mine.locator('.attachments img');
    assert.equal(await image.getAttribute('alt'), 'red.png');
    assert.equal(await image.getAttribute('loading'), 'lazy');
    assert.match(await image.getAttribute('src'), new RegExp(`^${suite.server.baseUrl}/v1/files/`));
    const link = mine.locator('a.att-image');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.match(await link.getAttribute('rel'), /noopener/);
    await eventually(() => image.evaluate((img) => img.complete && img.naturalWidth), 32, 'the thumbnail loads from the server');
    const chip = mine.locator('a.att-file');
    assert.match(await chip.textContent(), /notes\.txt/);
    assert.match(await chip.textContent(), new RegExp(`${NOTES.length} B`));

    const conversation = await conversationId(page);
    const stored = await storedMessage(conversation, (m) => m.body === 'Here are my files');
    assert.deepEqual(stored.attachments.map((a) => [a.name, a.contentType.split(';')[0], a.size]), [
      ['red.png', 'image/png', RED.length],
      ['notes.txt', 'text/plain', NOTES.length],
    ]);
    const file = await fetch(new URL(stored.attachments[1].url.split('?')[0], suite.server.baseUrl), {
      headers: { authorization: `Bearer ${suite.server.agentToken}` },
    });
    assert.equal(file.status, 200);
    assert.equal(await file.text(), NOTES.toString());

    // The agent answers with a file of their own: the visitor sees it too.
    const up = await fetch(new URL('/v1/agent/uploads?name=blue.png', suite.server.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${suite.server.agentToken}` },
      body: BLUE,
    });
    assert.equal(up.status, 201);
    const { attachment } = await up.json();
    const reply = await fetch(new URL(`/v1/agent/conversations/${conversation}/messages`, suite.server.baseUrl), {
      method: 'POST',
      headers: { authorization: `Bearer ${suite.server.agentToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ clientMessageId: `agent-${Date.now()}`, attachmentIds: [attachment.id] }),
    });
    assert.equal(reply.status, 201);
    const agentImage = w.host.locator('.message[data-author="agent"] .attachments img[alt="blue.png"]');
    await agentImage.waitFor(WAIT);
    await eventually(() => agentImage.evaluate((img) => img.complete && img.naturalWidth), 32, "the agent's image loads");
    assert.equal(await w.host.locator('.message[data-author="agent"] .bubble').count(), 0, 'a files-only message has no empty bubble');
    const { name: agentName } = await suite.agent.me();
    await eventually(() => w.host.locator('[role="status"][aria-live="polite"]').textContent(),
      `New message from ${agentName}: blue.png`, 'a files-only message is announced by its file names');

    // A reload shows the stored message with its files again.
    await page.reload();
    await w.launcher.click();
    await w.own('Here are my files', 'sent').locator('.attachments img[alt="red.png"]').waitFor(WAIT);
    // (The only error: this test's own fetch of the revoked object URL.)
    assert.deepEqual(errors.filter((e) => !e.includes(blob)), []);
    await context.close();
  });

  it('attaches pasted and dropped files, and sends a message of files only', async () => {
    const { context, page, errors } = await openWidget();
    const w = await launch(page);

    await w.composer.evaluate((area, bytes) => {
      const data = new DataTransfer();
      data.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
      area.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
    }, [...RED]);
    await uploaded(w.item('pasted.png'));
    assert.equal(await w.composer.inputValue(), '', 'a pasted file is not pasted as text');

    const overlay = w.host.locator('.drop-overlay');
    assert.equal(await overlay.isVisible(), false);
    const chat = w.host.locator('.chat');
    const drag = (type) =>
      chat.evaluate((el, [type, text]) => {
        const data = new DataTransfer();
        data.items.add(new File([text], 'dropped.txt', { type: 'text/plain' }));
        const event = new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true, composed: true });
        el.dispatchEvent(event);
        return event.defaultPrevented;
      }, [type, NOTES.toString()]);
    assert.equal(await drag('dragenter'), true, 'a drag of files is accepted');
    assert.equal(await overlay.isVisible(), true, 'the drop overlay shows while dragging');
    assert.match(await overlay.textContent(), /Drop files/);
    assert.equal(await drag('dragover'), true);
    assert.equal(await drag('drop'), true);
    assert.equal(await overlay.isVisible(), false, 'the overlay goes once dropped');
    await uploaded(w.item('dropped.txt'));

    // Leaving without dropping hides the overlay too.
    await drag('dragenter');
    assert.equal(await overlay.isVisible(), true);
    await drag('dragleave');
    assert.equal(await overlay.isVisible(), false);

    await w.send.click();
    const mine = w.host.locator('.message.own[data-state="sent"]');
    await mine.waitFor(WAIT);
    assert.equal(await mine.locator('.bubble').count(), 0, 'no empty text bubble');
    assert.equal(await mine.locator('.attachments img[alt="pasted.png"]').count(), 1);
    assert.equal(await mine.locator('.att-file', { hasText: 'dropped.txt' }).count(), 1);
    const stored = await storedMessage(await conversationId(page), (m) => m.attachments?.length === 2);
    assert.equal(stored.body, '');
    assert.deepEqual(stored.attachments.map((a) => a.name), ['pasted.png', 'dropped.txt']);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it('refuses too large and unsupported files with localised errors, and sends nothing', async () => {
    const { context, page, uploads } = await openWidget({ locale: 'fr' });
    const w = await launch(page);
    const picker = w.host.locator('input[type="file"]');
    await picker.setInputFiles([
      { name: 'gros.txt', mimeType: 'text/plain', buffer: TOO_LARGE },
      { name: 'outil.bin', mimeType: 'application/octet-stream', buffer: ELF },
    ]);
    const big = w.host.locator('.tray .upload', { hasText: 'gros.txt' });
    const bin = w.host.locator('.tray .upload', { hasText: 'outil.bin' });
    await big.locator(':scope[data-state="failed"]').waitFor(WAIT);
    await bin.locator(':scope[data-state="failed"]').waitFor(WAIT);
    assert.equal(await big.locator('.upload-error').textContent(), 'Trop volumineux : 4 Ko au maximum');
    assert.equal(await bin.locator('.upload-error').textContent(), 'Ce type de fichier n’est pas accepté');
    assert.equal(await big.locator('.upload-error').getAttribute('role'), 'alert');
    assert.deepEqual(uploads.map((r) => new URL(r.url()).searchParams.get('name')), ['outil.bin'], 'the too-large file never left the browser');
    assert.equal(await big.locator('.retry').isVisible(), false, 'retrying cannot help');
    assert.equal(await big.locator('progress').isVisible(), false);

    const send = w.host.getByRole('button', { name: 'Envoyer le message' });
    assert.equal(await send.isDisabled(), true, 'nothing to send');
    await w.host.getByLabel('Message', { exact: true }).press('Enter');
    await w.host.getByRole('button', { name: 'Retirer gros.txt' }).click();
    assert.equal(await big.count(), 0);
    assert.equal(await w.host.evaluate((h) => h.shadowRoot.activeElement?.id), 'parlour-input', 'focus goes back to the message field');
    await w.host.getByRole('button', { name: 'Retirer outil.bin' }).click();
    assert.equal(await w.host.locator('.tray').isVisible(), false);
    assert.equal(await w.host.locator('.message.own').count(), 0, 'nothing was sent');
    assert.equal(await conversationId(page), null, 'no conversation was started');

    // More than 10 files at once: the first 10 are taken, with a notice.
    const eleven = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, mimeType: 'text/plain', buffer: Buffer.from(`file ${i}`) }));
    await picker.setInputFiles(eleven);
    assert.equal(await w.host.locator('.tray .upload').count(), 10);
    assert.equal(await w.host.locator('.tray-notice').textContent(), '10 fichiers au maximum par message');
    assert.equal(await w.host.locator('.tray-notice').isVisible(), true);
    await context.close();
  });

  it("maps the server's 413 and a lost upload (with Retry)", async () => {
    const { context, page } = await openWidget();
    // The widget believes in a larger limit than the server's (a limit lowered meanwhile).
    await page.route('**/v1/widget/session/init', async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      json.features.maxUploadBytes = 10 * 1024 * 1024;
      await route.fulfill({ response, json });
    });
    const w = await launch(page);
    await w.picker.setInputFiles([{ name: 'big.txt', mimeType: 'text/plain', buffer: TOO_LARGE }]);
    await w.item('big.txt').locator(':scope[data-state="failed"]').waitFor(WAIT);
    assert.equal(await w.item('big.txt').locator('.upload-error').textContent(), 'This file is too large');
    await w.host.getByRole('button', { name: 'Remove big.txt' }).click();

    let cut = true;
    await page.route('**/v1/widget/uploads**', (route) => (cut ? route.abort('connectionreset') : route.continue()));
    await w.picker.setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: NOTES }]);
    const item = w.item('notes.txt');
    await item.locator(':scope[data-state="failed"]').waitFor(WAIT);
    assert.equal(await item.locator('.upload-error').textContent(), 'Upload failed');
    assert.equal(await w.send.isDisabled(), true);
    cut = false;
    await w.host.getByRole('button', { name: 'Retry uploading notes.txt' }).click();
    await uploaded(item);
    assert.equal(await item.locator('.upload-error').textContent(), '');
    await w.send.click();
    await w.host.locator('.message.own[data-state="sent"] .att-file', { hasText: 'notes.txt' }).waitFor(WAIT);
    await context.close();
  });

  // Last: it stops and restarts the server.
  it('keeps the files of a message waiting in the outbox across a reload', async () => {
    const { context, page } = await openWidget();
    const w = await launch(page);
    await w.picker.setInputFiles([
      { name: 'red.png', mimeType: 'image/png', buffer: RED },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: NOTES },
    ]);
    await uploaded(w.item('red.png'));
    await uploaded(w.item('notes.txt'));
    await suite.server.stop();
    await w.composer.fill('Written while the server was down');
    await w.composer.press('Enter');
    const pending = w.own('Written while the server was down', 'sending');
    await pending.waitFor(WAIT);
    assert.equal(await pending.locator('.attachments img[alt="red.png"]').count(), 1, 'shown at once with its files');
    const outbox = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('parlour:'));
      return JSON.parse(localStorage.getItem(key)).outbox.map((p) => p.attachments.map((a) => a.name));
    });
    assert.deepEqual(outbox, [['red.png', 'notes.txt']], 'the outbox keeps the files');
    await page.close();

    await suite.server.restart({ samePort: true });
    const again = await context.newPage();
    await again.goto(`${suite.server.baseUrl}/`);
    const w2 = widgetParts(again);
    await w2.launcher.click();
    const sent = w2.own('Written while the server was down', 'sent');
    await sent.waitFor(WAIT);
    await sent.locator('.attachments img[alt="red.png"]').waitFor(WAIT);
    const stored = await storedMessage(await conversationId(again), (m) => m.body === 'Written while the server was down');
    assert.deepEqual(stored.attachments.map((a) => a.name), ['red.png', 'notes.txt']);
    await context.close();
  });
});
