// A third-party host site on its own origin (a tiny HTTP server on 127.0.0.1:0), so the widget
// loads cross-origin from the Parlour server, as it does on customers' sites. (Pages answered by
// `page.route` cannot be used: Chromium's local-network checks then refuse the socket.)

import { createServer } from 'node:http';

/** Starts the site: `pages` maps a path to its HTML; returns `{ origin, pages, close() }`. */
export async function startHostSite() {
  const pages = new Map();
  const site = createServer((req, res) => {
    const html = pages.get(new URL(req.url, 'http://x').pathname);
    res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${site.address().port}`;
  return { origin, pages, close: () => new Promise((resolve) => site.close(resolve)) };
}
