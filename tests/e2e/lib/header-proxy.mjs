// A loopback reverse proxy that adds response headers (e.g. a strict Content-Security-Policy) to
// what the server sends, WebSocket upgrades included. Used instead of playwright's route.fulfill,
// because Chromium's local-network-access checks refuse a fulfilled page's connections to 127.0.0.1.

import http from 'node:http';
import net from 'node:net';

/**
 * Proxies `targetBaseUrl` on a new 127.0.0.1 port. `addHeaders(req)` returns the headers to add
 * to a response (or nothing). Returns `{ baseUrl, setTarget(url), close() }`; `setTarget` points
 * the proxy at a restarted server (new port) while the browser keeps its address.
 */
export async function startHeaderProxy(targetBaseUrl, addHeaders = () => ({})) {
  let target = new URL(targetBaseUrl);
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const upstream = http.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    }, (up) => {
      res.writeHead(up.statusCode, { ...up.headers, ...(addHeaders(req) || {}) });
      up.pipe(res);
    });
    upstream.on('error', () => { res.destroy(); });
    req.pipe(upstream);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  server.on('upgrade', (req, client, head) => {
    const up = net.connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i];
        lines.push(`${name}: ${name.toLowerCase() === 'host' ? target.host : req.rawHeaders[i + 1]}`);
      }
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head?.length) up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${server.address().port}`,
    setTarget(url) { target = new URL(url); },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
