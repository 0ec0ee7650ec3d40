// The Parlour agent page: sign in with an agent token, see conversations, read and answer them
// live. Plain JavaScript (ES module), no framework, no build step, nothing external; it runs under
// a strict CSP (no inline script or style). Every piece of user text is put in the page with
// textContent, never innerHTML. Wire shapes: shared/src/agent.rs and shared/src/message.rs.

const TOKEN_KEY = 'parlour:agent-token';
const READ_KEY = 'parlour:agent-read';
const SELECTED_KEY = 'parlour:agent-selected';
const LIST_LIMIT = 50;
const PAGE_LIMIT = 500;
const MAX_PAGES = 40;
const MAX_BODY_CHARS = 5000;
const PING_EVERY_MS = 25_000;
const STALE_AFTER_MS = 60_000;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 30_000;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

const state = {
  token: null,
  agent: null,
  /** Bumped on every sign-in and sign-out, so late answers from an old session are dropped. */
  epoch: 0,
  filter: 'open',
  /** id → ConversationSummary, for the current filter. */
  conversations: new Map(),
  listLoaded: false,
  selectedId: null,
  thread: null,
  /** conversation id → [{ clientMessageId, body, state: 'pending'|'failed', error }] */
  outbox: new Map(),
  /** conversation id → unsent text in the reply box */
  drafts: new Map(),
  /** conversation id → highest seq the agent has seen */
  read: loadJson(READ_KEY, {}),
  ws: null,
  wsAttempt: 0,
  reconnectTimer: 0,
  pingTimer: 0,
  lastFrameAt: 0,
  listRefreshTimer: 0,
};

function newThread(id) {
  return { id, messages: [], ids: new Set(), seqs: new Set(), loaded: false, syncing: null, resync: false, error: null };
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

function loadJson(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

function store(key, value) {
  try {
    if (value === null || value === undefined) localStorage.removeItem(key);
    else localStorage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
  } catch {
    // Storage can be disabled; the page still works for this tab.
  }
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** A v4 UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
function uuid() {
  if (globalThis.crypto?.randomUUID && globalThis.isSecureContext) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function hashIndex(text, buckets) {
  let h = 0;
  for (const ch of String(text)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return h % buckets;
}

const fmtTime = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fmtWeekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const fmtShortDate = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fmtLongDate = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric', year: 'numeric' });
const fmtFull = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function startOfDay(ms) {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** "14:05" today, "Tue" this week, "Mar 3" before that. */
function shortWhen(ms) {
  if (!Number.isFinite(ms)) return '';
  const today = startOfDay(Date.now());
  if (ms >= today) return fmtTime.format(ms);
  if (ms >= today - 6 * 86_400_000) return fmtWeekday.format(ms);
  return fmtShortDate.format(ms);
}

function dayLabel(ms) {
  const today = startOfDay(Date.now());
  const day = startOfDay(ms);
  if (day === today) return 'Today';
  if (day === today - 86_400_000) return 'Yesterday';
  return fmtLongDate.format(ms);
}

function timeEl(ms, text, className) {
  const t = el('time', className, text);
  if (Number.isFinite(ms)) {
    t.dateTime = new Date(ms).toISOString();
    t.title = fmtFull.format(ms);
  }
  return t;
}

function visitorCode(summaryOrId) {
  const raw = typeof summaryOrId === 'string' ? summaryOrId : summaryOrId.sessionId || summaryOrId.id || '';
  return raw.replace(/-/g, '').slice(0, 6).toUpperCase() || '??????';
}

function visitorName(summary) {
  return `Visitor ${visitorCode(summary)}`;
}

// ---------------------------------------------------------------------------------------------
// Styles under a strict CSP
// ---------------------------------------------------------------------------------------------

/** When CSP refused the inline <style>, apply the same text as a constructable stylesheet. */
function ensureStyles() {
  const applied = getComputedStyle(document.documentElement).getPropertyValue('--parlour-css').trim();
  if (applied) return;
  const source = $('parlour-agent-css');
  if (!source || typeof CSSStyleSheet !== 'function' || !('adoptedStyleSheets' in document)) return;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(source.textContent);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    // Leave the page unstyled but working.
  }
}

// ---------------------------------------------------------------------------------------------
// REST
// ---------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/** fetch with the agent token; a non-2xx answer throws ApiError with the body's message. */
async function api(path, { method = 'GET', body, token = state.token } = {}) {
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Cannot reach the server. Check your connection.');
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const message = data && typeof data.message === 'string' && data.message
      ? data.message
      : `The server answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}.`;
    throw new ApiError(res.status, data?.code ?? 'HTTP', message);
  }
  return data;
}

/** Runs an API call for the current sign-in; a 401 signs out. Answers from an old epoch reject. */
async function authed(path, options) {
  const epoch = state.epoch;
  try {
    const data = await api(path, options);
    if (epoch !== state.epoch) throw new ApiError(0, 'STALE', 'Signed out.');
    return data;
  } catch (err) {
    if (err.status === 401 && epoch === state.epoch && state.token) {
      signOut(`You were signed out: ${err.message}`);
    }
    throw err;
  }
}

const convPath = (id) => `/v1/agent/conversations/${encodeURIComponent(id)}`;

// ---------------------------------------------------------------------------------------------
// Sign-in
// ---------------------------------------------------------------------------------------------

function tokenFromFragment() {
  if (!location.hash.startsWith('#')) return null;
  const params = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token');
  if (token === null) return null;
  params.delete('token');
  const rest = params.toString();
  history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
  return token.trim() || null;
}

function showSignin(error) {
  $('app').hidden = true;
  $('signin').hidden = false;
  const alert = $('signin-error');
  alert.textContent = error || '';
  alert.hidden = !error;
  const submit = $('signin-submit');
  submit.disabled = false;
  submit.textContent = 'Sign in';
  const input = $('token-input');
  input.setAttribute('aria-invalid', error ? 'true' : 'false');
  input.focus();
  document.title = 'Sign in · Parlour';
}

async function signIn(token) {
  const submit = $('signin-submit');
  submit.disabled = true;
  submit.textContent = 'Signing in…';
  let agent;
  try {
    agent = await api('/v1/agent/me', { token });
  } catch (err) {
    if (err.status === 401) {
      store(TOKEN_KEY, null);
      showSignin(`Sign-in failed: ${err.message}`);
    } else {
      showSignin(err.message);
    }
    return;
  }
  store(TOKEN_KEY, token);
  state.token = token;
  state.agent = agent;
  state.epoch += 1;
  $('token-input').value = '';
  $('signin').hidden = true;
  $('app').hidden = false;
  $('me-name').textContent = agent.name;
  $('me-avatar').textContent = initials(agent.name);
  $('me-avatar').className = `avatar c${hashIndex(agent.id, 8)}`;
  $('me-avatar').parentElement.title = `Signed in as ${agent.name}`;
  updateTitle();
  connectFeed();
  await refreshList();
  let remembered = null;
  try { remembered = sessionStorage.getItem(SELECTED_KEY); } catch { /* ignore */ }
  if (remembered && !state.selectedId && state.conversations.has(remembered)) {
    selectConversation(remembered, { focusComposer: false });
  }
}

function signOut(message) {
  state.epoch += 1;
  disconnectFeed();
  store(TOKEN_KEY, null);
  try { sessionStorage.removeItem(SELECTED_KEY); } catch { /* ignore */ }
  state.token = null;
  state.agent = null;
  state.conversations.clear();
  state.listLoaded = false;
  state.selectedId = null;
  state.thread = null;
  state.outbox.clear();
  state.drafts.clear();
  $('conversation-list').replaceChildren();
  $('messages').replaceChildren();
  $('thread-view').hidden = true;
  $('thread-empty').hidden = false;
  $('panes').classList.remove('show-thread');
  showSignin(message);
}

function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1][0] : '')).toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Conversation list
// ---------------------------------------------------------------------------------------------

function matchesFilter(status) {
  return state.filter === 'all' || state.filter === status;
}

function activityOf(c) {
  return Math.max(c.updatedAt || 0, c.lastMessage?.createdAt || 0);
}

function isUnread(c) {
  const last = c.lastMessage;
  if (!last || last.author?.kind !== 'visitor') return false;
  if (c.id === state.selectedId && document.visibilityState === 'visible') return false;
  return (last.seq || c.lastSeq || 0) > (state.read[c.id] || 0);
}

function markRead(id, seq) {
  if (!id || !(seq > (state.read[id] || 0))) return;
  state.read[id] = seq;
  const entries = Object.entries(state.read);
  if (entries.length > 1000) state.read = Object.fromEntries(entries.slice(-800));
  store(READ_KEY, state.read);
}

async function fetchConversations(filter) {
  // No status filter means every status ("All").
  const status = filter === 'all' ? '' : `status=${encodeURIComponent(filter)}&`;
  const res = await authed(`/v1/agent/conversations?${status}limit=${LIST_LIMIT}`);
  return res?.conversations || [];
}

async function refreshList() {
  const filter = state.filter;
  const epoch = state.epoch;
  try {
    const list = await fetchConversations(filter);
    if (epoch !== state.epoch || filter !== state.filter) return;
    const next = new Map();
    for (const c of list) {
      const known = state.conversations.get(c.id);
      // A live frame may already have brought a newer message than this answer holds.
      if (known && (known.lastSeq || 0) > (c.lastSeq || 0)) next.set(c.id, { ...c, lastSeq: known.lastSeq, lastMessage: known.lastMessage, updatedAt: Math.max(known.updatedAt, c.updatedAt) });
      else next.set(c.id, c);
    }
    state.conversations = next;
    state.listLoaded = true;
    renderList();
    if (state.thread && next.has(state.thread.id)) renderThreadHead();
  } catch (err) {
    if (epoch !== state.epoch) return;
    if (!state.listLoaded) setListNote(`Could not load conversations: ${err.message}`);
    else toast(`Could not refresh conversations: ${err.message}`, 'error');
  }
}

function scheduleListRefresh() {
  clearTimeout(state.listRefreshTimer);
  state.listRefreshTimer = setTimeout(refreshList, 300);
}

function setListNote(text) {
  const note = $('list-note');
  note.textContent = text || '';
  note.hidden = !text;
}

function sortedConversations() {
  return [...state.conversations.values()].sort((a, b) => activityOf(b) - activityOf(a) || (b.lastSeq || 0) - (a.lastSeq || 0));
}

function previewText(c) {
  const last = c.lastMessage;
  if (!last) return 'No messages yet';
  const body = last.body.replace(/\s+/g, ' ').trim();
  if (last.author?.kind === 'agent') {
    const name = last.author.name;
    return `${!name || name === state.agent?.name ? 'You' : name}: ${body}`;
  }
  if (last.author?.kind === 'assistant') return `${last.author.name || 'Assistant'}: ${body}`;
  return body;
}

function conversationItem(c) {
  const li = el('li');
  const button = el('button', 'conv');
  button.type = 'button';
  button.dataset.conversationId = c.id;
  const unread = isUnread(c);
  if (unread) button.classList.add('unread');
  if (c.id === state.selectedId) button.setAttribute('aria-current', 'true');

  button.append(el('span', `avatar c${hashIndex(c.sessionId || c.id, 8)}`, visitorCode(c).slice(0, 2)));
  button.firstChild.setAttribute('aria-hidden', 'true');
  const main = el('span', 'conv-main');
  const top = el('span', 'conv-top');
  top.append(el('span', 'conv-name', visitorName(c)), timeEl(activityOf(c), shortWhen(activityOf(c)), 'conv-time'));
  const bottom = el('span', 'conv-bottom');
  bottom.append(el('span', 'conv-preview', previewText(c)));
  if (state.filter === 'all' || c.status !== 'open') {
    const tag = el('span', 'status-tag', c.status);
    tag.dataset.status = c.status;
    bottom.append(tag);
  }
  if (c.rating) {
    // The visitor's satisfaction rating (1–5), with their comment on hover.
    const rated = el('span', 'status-tag rating-tag', `★ ${c.rating.score}/5`);
    rated.dataset.score = String(c.rating.score);
    if (c.rating.comment) rated.title = c.rating.comment;
    rated.setAttribute('aria-label', `rated ${c.rating.score} out of 5`);
    bottom.append(rated);
  }
  if (unread) {
    const dot = el('span', 'unread-dot');
    dot.setAttribute('aria-hidden', 'true');
    bottom.append(dot, el('span', 'sr-only', ', unread'));
  }
  main.append(top, bottom);
  button.append(main);
  li.append(button);
  return li;
}

function renderList() {
  const list = $('conversation-list');
  const focused = document.activeElement?.closest?.('.conv')?.dataset.conversationId;
  const items = sortedConversations();
  list.replaceChildren(...items.map(conversationItem));
  if (!state.listLoaded) setListNote('Loading conversations…');
  else if (items.length === 0) setListNote(state.filter === 'all' ? 'No conversations yet.' : `No ${state.filter} conversations.`);
  else setListNote('');
  if (focused) list.querySelector(`[data-conversation-id="${CSS.escape(focused)}"]`)?.focus();
  updateTitle();
}

function updateTitle() {
  const unread = [...state.conversations.values()].filter(isUnread).length;
  const badge = $('unread-count');
  badge.textContent = String(unread);
  badge.setAttribute('aria-label', `${unread} unread`);
  badge.hidden = unread === 0;
  if (state.token) document.title = `${unread ? `(${unread}) ` : ''}Inbox · Parlour`;
}

function setFilter(filter) {
  if (filter === state.filter) return;
  state.filter = filter;
  for (const b of $('filters').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.status === filter));
  state.conversations = new Map();
  state.listLoaded = false;
  renderList();
  refreshList();
}

// ---------------------------------------------------------------------------------------------
// The open conversation
// ---------------------------------------------------------------------------------------------

function selectConversation(id, { focusComposer = true } = {}) {
  const input = $('reply-input');
  if (state.selectedId) state.drafts.set(state.selectedId, input.value);
  state.selectedId = id;
  try { sessionStorage.setItem(SELECTED_KEY, id); } catch { /* ignore */ }
  state.thread = newThread(id);
  $('thread-empty').hidden = true;
  $('thread-view').hidden = false;
  $('panes').classList.add('show-thread');
  input.value = state.drafts.get(id) || '';
  onComposerInput();
  renderThreadHead();
  renderMessages({ scroll: 'bottom' });
  renderList();
  if (focusComposer) input.focus();
  syncThread(state.thread);
  loadVisitor(state.thread);
}

// ---------------------------------------------------------------------------------------------
// The visitor's details (name, email, pre-chat fields) above the open conversation
// ---------------------------------------------------------------------------------------------

const VISITOR_CSS = `
.visitor { padding: 10px 20px; background: var(--panel); border-bottom: 1px solid var(--line); font-size: 13px; }
.visitor h3 { margin: 0 0 4px; font-size: 12px; font-weight: 650; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.visitor dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0; }
.visitor dt { color: var(--muted); }
.visitor dd { margin: 0; color: var(--text); overflow-wrap: anywhere; white-space: pre-wrap; }`;

/** The block's styles, as a constructable stylesheet (allowed under a strict CSP). */
function visitorStyles() {
  if (visitorStyles.done || typeof CSSStyleSheet !== 'function' || !('adoptedStyleSheets' in document)) return;
  visitorStyles.done = true;
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(VISITOR_CSS);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
  } catch {
    // Unstyled but readable.
  }
}

/** Fetches what the conversation's visitor told us (`GET …/visitor`) and shows it. */
async function loadVisitor(thread) {
  thread.visitor = null;
  renderVisitor();
  try {
    const visitor = await authed(`${convPath(thread.id)}/visitor`);
    if (state.thread !== thread) return;
    thread.visitor = visitor;
  } catch {
    // No block: the conversation itself still works.
  }
  if (state.thread === thread) renderVisitor();
}

/** The "Visitor" block: name, email and each pre-chat field, as text (never HTML). */
function renderVisitor() {
  let box = $('visitor');
  if (!box) {
    visitorStyles();
    box = el('section', 'visitor');
    box.id = 'visitor';
    box.setAttribute('aria-labelledby', 'visitor-title');
    document.querySelector('#thread-view .thread-head')?.after(box);
  }
  const v = state.thread?.visitor;
  const rows = [];
  if (v?.name) rows.push(['Name', v.name]);
  if (v?.email) rows.push(['Email', v.email]);
  for (const [key, value] of Object.entries(v?.fields || {})) rows.push([key, value]);
  box.replaceChildren();
  box.hidden = rows.length === 0;
  if (!rows.length) return;
  const title = el('h3', '', v.verified ? 'Visitor (verified by the site)' : 'Visitor');
  title.id = 'visitor-title';
  const list = el('dl');
  for (const [key, value] of rows) list.append(el('dt', '', key), el('dd', '', value));
  box.append(title, list);
}

function closeThreadOnNarrow() {
  $('panes').classList.remove('show-thread');
  const current = $('conversation-list').querySelector('[aria-current="true"]');
  (current || $('conversation-list').querySelector('.conv'))?.focus();
}

/** Fetches every message after the highest contiguous seq held, page by page (hasMore). */
function syncThread(thread) {
  if (thread.syncing) {
    thread.resync = true;
    return thread.syncing;
  }
  thread.syncing = (async () => {
    try {
      do {
        thread.resync = false;
        let after = contiguousSeq(thread);
        for (let page = 0; page < MAX_PAGES; page += 1) {
          const res = await authed(`${convPath(thread.id)}/messages?after=${after}&limit=${PAGE_LIMIT}`);
          if (state.thread !== thread) return;
          addMessages(thread, res.messages || []);
          const last = res.messages?.[res.messages.length - 1];
          if (!res.hasMore || !last) break;
          after = last.seq;
        }
        thread.loaded = true;
        thread.error = null;
      } while (thread.resync && state.thread === thread);
    } catch (err) {
      if (state.thread !== thread) return;
      thread.error = err.message;
      if (thread.loaded) toast(`Could not load new messages: ${err.message}`, 'error');
    } finally {
      thread.syncing = null;
      if (state.thread === thread) {
        renderMessages();
        noteSeen(thread);
      }
    }
  })();
  return thread.syncing;
}

function contiguousSeq(thread) {
  let seq = 0;
  while (thread.seqs.has(seq + 1)) seq += 1;
  return seq;
}

/** Adds stored messages (deduplicated by id, kept in seq order); returns whether any was new. */
function addMessages(thread, messages) {
  let added = false;
  for (const m of messages) {
    if (!m || m.conversationId !== thread.id || thread.ids.has(m.id)) continue;
    thread.ids.add(m.id);
    thread.seqs.add(m.seq);
    thread.messages.push(m);
    added = true;
    if (m.clientMessageId) {
      const box = state.outbox.get(thread.id);
      const i = box ? box.findIndex((p) => p.clientMessageId === m.clientMessageId) : -1;
      if (i >= 0) box.splice(i, 1);
    }
  }
  if (added) thread.messages.sort((a, b) => a.seq - b.seq);
  return added;
}

function noteSeen(thread) {
  if (document.visibilityState !== 'visible' || state.thread !== thread) return;
  const last = thread.messages[thread.messages.length - 1];
  if (!last) return;
  const before = state.read[thread.id] || 0;
  markRead(thread.id, last.seq);
  if ((state.read[thread.id] || 0) !== before) renderList();
}

function renderThreadHead() {
  const id = state.selectedId;
  if (!id) return;
  const c = state.conversations.get(id);
  $('thread-title').textContent = c ? visitorName(c) : 'Conversation';
  const avatar = $('thread-avatar');
  avatar.className = `avatar c${hashIndex(c?.sessionId || id, 8)}`;
  avatar.textContent = visitorCode(c || id).slice(0, 2);
  const sub = [];
  if (c?.projectId) sub.push(`Project ${c.projectId}`);
  if (c?.createdAt) sub.push(`started ${fmtFull.format(c.createdAt)}`);
  if (c?.rating) sub.push(`rated ${c.rating.score}/5${c.rating.comment ? ` — “${c.rating.comment}”` : ''}`);
  $('thread-sub').textContent = sub.join(' · ');
  const status = $('thread-status');
  status.hidden = !c;
  if (c) {
    status.textContent = c.status;
    status.dataset.status = c.status;
  }
}

function authorLabel(m) {
  const kind = m.author?.kind;
  if (kind === 'visitor') return 'Visitor';
  if (kind === 'agent') return m.author.name ? (m.author.name === state.agent?.name ? `${m.author.name} (you)` : m.author.name) : 'Agent';
  if (kind === 'assistant') return m.author.name || 'Assistant';
  return 'System';
}

function messageItem(m, prev) {
  const kind = m.author?.kind || 'system';
  const li = el('li', `msg ${kind === 'visitor' ? 'theirs' : kind === 'system' ? 'system' : 'mine'} ${kind}`);
  li.dataset.messageId = m.id;
  li.dataset.seq = String(m.seq);
  li.dataset.author = kind;
  if (m.clientMessageId) li.dataset.clientMessageId = m.clientMessageId;
  li.dataset.state = 'sent';
  const sameAuthor = prev && prev.author?.kind === kind && prev.author?.name === m.author?.name;
  const first = !sameAuthor || m.createdAt - prev.createdAt > 5 * 60_000;
  if (first && kind !== 'system') {
    li.classList.add('first');
    li.append(el('span', 'msg-author', authorLabel(m)));
  }
  li.append(el('div', 'bubble', m.body));
  const meta = el('span', 'msg-meta');
  meta.append(timeEl(m.createdAt, fmtTime.format(m.createdAt)));
  li.append(meta);
  return li;
}

function pendingItem(p) {
  const li = el('li', 'msg mine agent first');
  li.dataset.clientMessageId = p.clientMessageId;
  li.dataset.state = p.state;
  li.append(el('div', 'bubble', p.body));
  const meta = el('span', 'msg-meta');
  if (p.state === 'pending') {
    meta.append(el('span', null, 'Sending…'));
  } else {
    meta.append(el('span', null, `Not sent: ${p.error || 'unknown error'}`));
    const retry = el('button', 'link-btn', 'Retry');
    retry.type = 'button';
    retry.dataset.action = 'retry';
    retry.dataset.clientMessageId = p.clientMessageId;
    const discard = el('button', 'link-btn', 'Discard');
    discard.type = 'button';
    discard.dataset.action = 'discard';
    discard.dataset.clientMessageId = p.clientMessageId;
    meta.append(retry, discard);
  }
  li.append(meta);
  return li;
}

function renderMessages({ scroll } = {}) {
  const list = $('messages');
  const thread = state.thread;
  if (!thread) return;
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const focusedAction = document.activeElement?.dataset?.action ? { action: document.activeElement.dataset.action, id: document.activeElement.dataset.clientMessageId } : null;
  const frag = document.createDocumentFragment();
  let prev = null;
  let lastDay = null;
  for (const m of thread.messages) {
    const day = startOfDay(m.createdAt);
    if (day !== lastDay) {
      const sep = el('li', 'day-sep', dayLabel(m.createdAt));
      sep.setAttribute('role', 'separator');
      frag.append(sep);
      lastDay = day;
      prev = null;
    }
    frag.append(messageItem(m, prev));
    prev = m;
  }
  for (const p of state.outbox.get(thread.id) || []) frag.append(pendingItem(p));
  if (!thread.loaded && thread.messages.length === 0) {
    frag.append(el('li', 'loading', thread.error ? `Could not load messages: ${thread.error}` : 'Loading messages…'));
  }
  list.replaceChildren(frag);
  if (scroll === 'bottom' || nearBottom) list.scrollTop = list.scrollHeight;
  if (focusedAction) {
    list.querySelector(`[data-action="${focusedAction.action}"][data-client-message-id="${CSS.escape(focusedAction.id)}"]`)?.focus();
  }
}

// ---------------------------------------------------------------------------------------------
// Replying
// ---------------------------------------------------------------------------------------------

function onComposerInput() {
  const input = $('reply-input');
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 180)}px`;
  const length = [...input.value.trim()].length;
  $('reply-send').disabled = length === 0 || length > MAX_BODY_CHARS;
  const count = $('reply-count');
  count.textContent = length > MAX_BODY_CHARS - 500 ? `${length} / ${MAX_BODY_CHARS}` : '';
  count.classList.toggle('over', length > MAX_BODY_CHARS);
}

function submitReply() {
  const id = state.selectedId;
  const input = $('reply-input');
  const body = input.value.trim();
  if (!id || !body || [...body].length > MAX_BODY_CHARS) return;
  const item = { clientMessageId: uuid(), body, state: 'pending', error: null };
  if (!state.outbox.has(id)) state.outbox.set(id, []);
  state.outbox.get(id).push(item);
  input.value = '';
  state.drafts.delete(id);
  onComposerInput();
  renderMessages({ scroll: 'bottom' });
  sendReply(id, item);
}

async function sendReply(conversationId, item) {
  item.state = 'pending';
  item.error = null;
  if (state.thread?.id === conversationId) renderMessages();
  try {
    const message = await authed(`${convPath(conversationId)}/messages`, {
      method: 'POST',
      body: { clientMessageId: item.clientMessageId, body: item.body },
    });
    const box = state.outbox.get(conversationId);
    const i = box ? box.indexOf(item) : -1;
    if (i >= 0) box.splice(i, 1);
    onStoredMessage(message);
  } catch (err) {
    if (err.code === 'STALE') return;
    item.state = 'failed';
    item.error = err.message;
    if (state.thread?.id === conversationId) renderMessages();
  }
}

function findOutboxItem(clientMessageId) {
  const box = state.outbox.get(state.selectedId) || [];
  return box.find((p) => p.clientMessageId === clientMessageId);
}

// ---------------------------------------------------------------------------------------------
// Live feed
// ---------------------------------------------------------------------------------------------

function setConn(kind, text) {
  const conn = $('conn');
  conn.dataset.state = kind;
  conn.textContent = text;
}

function connectFeed() {
  clearTimeout(state.reconnectTimer);
  if (!state.token || state.ws) return;
  const url = new URL('/ws/agent', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.hash = '';
  url.search = `?token=${encodeURIComponent(state.token)}`;
  let ws;
  try {
    ws = new WebSocket(url);
  } catch {
    scheduleReconnect();
    return;
  }
  const epoch = state.epoch;
  let opened = false;
  state.ws = ws;
  setConn('connecting', state.wsAttempt ? 'Reconnecting…' : 'Connecting…');

  ws.addEventListener('open', () => {
    if (state.ws !== ws) return;
    opened = true;
    state.lastFrameAt = Date.now();
    clearInterval(state.pingTimer);
    state.pingTimer = setInterval(() => keepAlive(ws), PING_EVERY_MS);
  });
  ws.addEventListener('message', (event) => {
    if (state.ws !== ws) return;
    state.lastFrameAt = Date.now();
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    handleFrame(frame);
  });
  ws.addEventListener('close', async (event) => {
    if (state.ws !== ws) return;
    state.ws = null;
    clearInterval(state.pingTimer);
    if (epoch !== state.epoch || !state.token) return;
    setConn('offline', 'Offline');
    // A refused handshake (bad token) looks like any other failure in a browser: ask the API.
    if (event.code === 4401 || !opened) {
      try {
        await api('/v1/agent/me');
      } catch (err) {
        if (err.status === 401 && epoch === state.epoch) {
          signOut(`You were signed out: ${err.message}`);
          return;
        }
      }
    }
    if (epoch === state.epoch) scheduleReconnect();
  });
}

function keepAlive(ws) {
  if (state.ws !== ws) return;
  if (Date.now() - state.lastFrameAt > STALE_AFTER_MS) {
    // No pong for two rounds: the connection is dead even if the browser has not noticed.
    state.ws = null;
    clearInterval(state.pingTimer);
    try { ws.close(); } catch { /* ignore */ }
    setConn('offline', 'Offline');
    scheduleReconnect();
    return;
  }
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping' }));
}

function scheduleReconnect() {
  clearTimeout(state.reconnectTimer);
  if (!state.token) return;
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** state.wsAttempt);
  const delay = Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  state.wsAttempt += 1;
  setConn('offline', `Offline · retrying in ${Math.max(1, Math.round(delay / 1000))} s`);
  state.reconnectTimer = setTimeout(connectFeed, delay);
}

function reconnectNow() {
  if (!state.token || state.ws) return;
  connectFeed();
}

function disconnectFeed() {
  clearTimeout(state.reconnectTimer);
  clearInterval(state.pingTimer);
  const ws = state.ws;
  state.ws = null;
  state.wsAttempt = 0;
  if (ws) try { ws.close(1000); } catch { /* ignore */ }
}

function handleFrame(frame) {
  switch (frame?.type) {
    case 'ready':
      state.wsAttempt = 0;
      sendAway();
      if (frame.agent?.name) $('me-name').textContent = frame.agent.name;
      setConn('live', 'Live');
      // Subscribed from here on: refetch what may have happened while we were away.
      refreshList();
      if (state.thread) syncThread(state.thread);
      break;
    case 'message':
      if (frame.message) onStoredMessage(frame.message);
      break;
    case 'conversation':
      if (frame.conversation) onConversation(frame.conversation);
      break;
    case 'error':
      toast(frame.message || 'The server refused something.', 'error');
      break;
    case 'pong':
    default:
      break;
  }
}

/** A message stored anywhere (live frame or our own reply's answer). */
function onStoredMessage(m) {
  const c = state.conversations.get(m.conversationId);
  if (c) {
    if (m.seq >= (c.lastSeq || 0)) {
      c.lastSeq = m.seq;
      c.lastMessage = m;
    }
    c.updatedAt = Math.max(c.updatedAt || 0, m.createdAt || 0);
  } else if (state.filter !== 'closed') {
    // A conversation we do not list yet (new, or reopened): let the server say where it goes.
    scheduleListRefresh();
  }
  const thread = state.thread;
  if (thread && thread.id === m.conversationId) {
    const gap = thread.loaded && m.seq > contiguousSeq(thread) + 1;
    if (addMessages(thread, [m])) {
      renderMessages({ scroll: m.author?.kind === 'agent' ? 'bottom' : undefined });
      noteSeen(thread);
    }
    if (gap) syncThread(thread);
  }
  renderList();
}

function onConversation(c) {
  // Frames about other changes (status, a message) leave the stored rating out: keep ours.
  const rated = state.conversations.get(c.id)?.rating;
  if (!c.rating && rated) c = { ...c, rating: rated };
  if (matchesFilter(c.status) || c.id === state.selectedId) {
    const known = state.conversations.get(c.id);
    if (known && (known.lastSeq || 0) > (c.lastSeq || 0)) {
      state.conversations.set(c.id, { ...c, lastSeq: known.lastSeq, lastMessage: known.lastMessage });
    } else {
      state.conversations.set(c.id, c);
    }
  } else {
    state.conversations.delete(c.id);
  }
  if (c.id === state.selectedId) {
    renderThreadHead();
    if (state.thread && (c.lastSeq || 0) > contiguousSeq(state.thread)) syncThread(state.thread);
  }
  renderList();
}

// ---------------------------------------------------------------------------------------------
// Toast
// ---------------------------------------------------------------------------------------------

let toastTimer = 0;
function toast(text, kind = 'info') {
  const node = $('toast');
  node.textContent = text;
  node.dataset.kind = kind;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, 6000);
}

// ---------------------------------------------------------------------------------------------
// Wiring
// ---------------------------------------------------------------------------------------------

function wire() {
  $('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = $('token-input').value.trim();
    if (!token) {
      showSignin('Enter your agent token.');
      return;
    }
    signIn(token);
  });
  $('signout').addEventListener('click', () => signOut());

  $('filters').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-status]');
    if (button) setFilter(button.dataset.status);
  });

  const list = $('conversation-list');
  list.addEventListener('click', (event) => {
    const button = event.target.closest('.conv');
    if (button) selectConversation(button.dataset.conversationId);
  });
  list.addEventListener('keydown', (event) => {
    const buttons = [...list.querySelectorAll('.conv')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const next = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    buttons[Math.max(0, Math.min(buttons.length - 1, next))].focus();
  });

  $('back').addEventListener('click', closeThreadOnNarrow);

  const input = $('reply-input');
  input.addEventListener('input', () => {
    onComposerInput();
    if (state.selectedId) state.drafts.set(state.selectedId, input.value);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      submitReply();
    } else if (event.key === 'Escape' && $('panes').classList.contains('show-thread') && matchMedia('(max-width: 760px)').matches) {
      closeThreadOnNarrow();
    }
  });
  $('reply-form').addEventListener('submit', (event) => {
    event.preventDefault();
    submitReply();
  });

  $('messages').addEventListener('click', (event) => {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const item = findOutboxItem(button.dataset.clientMessageId);
    if (!item) return;
    if (button.dataset.action === 'retry') {
      sendReply(state.selectedId, item); // the same clientMessageId: the server stores it once
    } else {
      const box = state.outbox.get(state.selectedId);
      box.splice(box.indexOf(item), 1);
      renderMessages();
      $('reply-input').focus();
    }
  });

  window.addEventListener('online', reconnectNow);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState !== 'visible') return;
    reconnectNow();
    if (state.thread) noteSeen(state.thread);
    renderList();
  });
  window.addEventListener('hashchange', () => {
    const token = tokenFromFragment();
    if (token && token !== state.token) {
      if (state.token) signOut();
      signIn(token);
    }
  });
  window.addEventListener('storage', (event) => {
    if (event.key === TOKEN_KEY && event.newValue === null && state.token) signOut('You signed out in another tab.');
  });
  // Times like "Yesterday" go stale at midnight; a cheap re-render each minute keeps them right.
  setInterval(() => {
    if (!state.token) return;
    renderList();
  }, 60_000);
}

// ---------------------------------------------------------------------------------------------
// Presence: visitors see the team online while an inbox is open and its agent is not away.
// ---------------------------------------------------------------------------------------------

const AWAY_KEY = 'parlour-agent-away';

/** Tells the server this inbox's away choice (the server forgets it when the feed closes). */
function sendAway() {
  const away = loadJson(AWAY_KEY, false) === true;
  if (state.ws?.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify({ type: 'away', away }));
}

/** The "Away" toggle in the top bar (its choice is kept in this browser). */
function wireAway() {
  const button = el('button', 'btn btn-ghost btn-small', 'Away');
  button.id = 'away';
  button.type = 'button';
  button.title = 'When on, visitors see that nobody is online and are asked for their email';
  const show = () => button.setAttribute('aria-pressed', String(loadJson(AWAY_KEY, false) === true));
  show();
  button.addEventListener('click', () => {
    store(AWAY_KEY, !(loadJson(AWAY_KEY, false) === true));
    show();
    sendAway();
  });
  // Another tab of the inbox changed it.
  window.addEventListener('storage', (event) => {
    if (event.key !== AWAY_KEY) return;
    show();
    sendAway();
  });
  $('signout').before(button);
}

function start() {
  ensureStyles();
  wire();
  wireAway();
  const fromFragment = tokenFromFragment();
  let token = fromFragment;
  if (!token) {
    try { token = localStorage.getItem(TOKEN_KEY); } catch { token = null; }
  }
  if (token) signIn(token);
  else showSignin();
}

start();
