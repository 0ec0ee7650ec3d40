// A small client for the agent REST API (`/v1/agent/…`, `Authorization: Bearer <agent token>`),
// for tests that set up or check state without the browser. Field names are those of
// shared/src/agent.rs and shared/src/message.rs (camelCase JSON).

import { randomUUID } from 'node:crypto';

/** An HTTP error from the API: `status` and the parsed `{"code","message"}` body. */
export class ApiError extends Error {
  constructor(method, url, status, body) {
    const detail = body && typeof body === 'object' ? `${body.code}: ${body.message}` : String(body ?? '');
    super(`${method} ${new URL(url).pathname} → ${status} ${detail}`);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    this.code = body && typeof body === 'object' ? body.code : undefined;
  }
}

/** fetch + JSON, throwing ApiError on a non-2xx answer. Shared by the API helpers. */
export async function requestJson(method, url, { token, body, headers = {} } = {}) {
  const res = await fetch(url, {
    method,
    headers: {
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let parsed = text;
  try { parsed = text ? JSON.parse(text) : undefined; } catch { /* keep the text */ }
  if (!res.ok) throw new ApiError(method, url, res.status, parsed);
  return parsed;
}

/**
 * The agent API at `baseUrl` (a string, or a function returning the current one, so that the
 * client follows a server restarted on a new port), signed in with `token`.
 */
export function agentApi(baseUrl, token) {
  const url = (p) => new URL(p, typeof baseUrl === 'function' ? baseUrl() : baseUrl).toString();
  const conversation = (id, what) => url(`/v1/agent/conversations/${encodeURIComponent(id)}/${what}`);
  const post = (id, what, body) => requestJson('POST', conversation(id, what), { token, body });
  return {
    /** `GET /v1/agent/me` → `{ id, name }`. */
    me: () => requestJson('GET', url('/v1/agent/me'), { token }),
    /** `GET /v1/agent/conversations?status=…&limit=50` → `{ conversations: [...] }`. */
    listConversations: (status = 'open', limit = 50) =>
      requestJson('GET', url(`/v1/agent/conversations?status=${encodeURIComponent(status)}&limit=${limit}`), { token }),
    /** `GET /v1/agent/conversations/{id}/messages?after=…` → `{ messages, hasMore }`. */
    messages: (id, after = 0, limit = 500) =>
      requestJson('GET', conversation(id, `messages?after=${after}&limit=${limit}`), { token }),
    /** `POST /v1/agent/conversations/{id}/messages` → the stored message; `extra` e.g. `{ asAssistant: true }`. */
    reply: (id, body, clientMessageId = randomUUID(), extra = {}) => post(id, 'messages', { clientMessageId, body, ...extra }),
    /** `POST /v1/agent/conversations/{id}/stream`: one piece of a reply still being written. */
    stream: (id, clientMessageId, delta, extra = {}) => post(id, 'stream', { clientMessageId, delta, ...extra }),
    /** `POST /v1/agent/conversations/{id}/status` (`open` or `closed`). */
    setStatus: (id, status) => post(id, 'status', { status }),
    /** `POST /v1/agent/conversations/{id}/typing`. */
    typing: (id, isTyping) => post(id, 'typing', { isTyping }),
    /** `POST /v1/agent/conversations/{id}/read`: the agent has read up to `seq`. */
    read: (id, seq) => post(id, 'read', { seq }),
    /** `GET /v1/agent/conversations/{id}/visitor` → `{ name, email, fields, verified }`. */
    visitor: (id) => requestJson('GET', conversation(id, 'visitor'), { token }),
  };
}
