// A visitor without a browser: a widget session over plain HTTP (shared/src/session.rs and
// shared/src/rest.rs), enough to start a conversation and read the agent's replies.

import { randomUUID } from 'node:crypto';

import { requestJson } from './agent.mjs';

/**
 * Starts a session for `projectId` (`POST /v1/widget/session/init`) and returns a visitor with
 * `send(body)`, `messages(conversationId, after)`, the init response as `session` and a settable
 * `baseUrl`.
 */
export async function startVisitor(baseUrl, { projectId = 'demo', origin = baseUrl } = {}) {
  let base = baseUrl;
  const url = (p) => new URL(p, base).toString();
  const headers = { origin: new URL(origin).origin };
  const session = await requestJson('POST', url('/v1/widget/session/init'), {
    headers,
    body: {
      projectId,
      widgetInstanceId: `e2e-${randomUUID()}`,
      pageUrl: `${new URL(origin).origin}/`,
      hostOrigin: new URL(origin).origin,
      userAgent: 'parlour-e2e',
      locale: 'en-US',
    },
  });
  const token = session.sessionToken;
  const visitor = {
    session,
    token,
    /** Where the server is; set it after a restart (new port), the session stays valid. */
    get baseUrl() { return base; },
    set baseUrl(value) { base = value; },
    /** The conversation id, known after the first send (or from init when resuming). */
    conversationId: session.conversationId,
    /** `POST /v1/widget/messages` → `{ message, duplicate, conversationStatus }`. */
    async send(body, clientMessageId = randomUUID()) {
      const res = await requestJson('POST', url('/v1/widget/messages'), { token, headers, body: { clientMessageId, body } });
      visitor.conversationId = res.message.conversationId;
      return res;
    },
    /** `GET /v1/widget/conversations/{id}/messages?after=…` → `{ messages, hasMore, lastSeq, … }`. */
    messages: (conversationId = visitor.conversationId, after = 0) =>
      requestJson('GET', url(`/v1/widget/conversations/${encodeURIComponent(conversationId)}/messages?after=${after}&limit=500`), { token, headers }),
  };
  return visitor;
}
