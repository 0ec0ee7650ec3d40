// Parlour chat widget loader — the one file a host page includes (stable URL /widget/loader.js):
//
//   <script type="module" src="https://chat.example.com/widget/loader.js"></script>
//   <chat-widget project-id="your-project"></chat-widget>
//
// It defines <chat-widget>, paints the launcher at once in the element's shadow root, and fetches
// the Leptos/WASM widget only when the visitor opens the chat, hovers the launcher, or the browser
// is idle after the page has loaded (`eager` / loading="eager": at once; loading="click": only on
// open). The WASM then takes over the shadow root; a click made meanwhile opens the panel.
// It also installs `window.ChatWidget` (boot, open, close, identify, events…) and replays the calls
// queued by the snippet `window.ChatWidget = window.ChatWidget || function () {
// (ChatWidget.q = ChatWidget.q || []).push(arguments) }`.
//
// scripts/build-widget.sh (post-build.mjs) replaces the __PARLOUR_*__ placeholders with this
// build's content-hashed file names and the launcher's CSS, then minifies this file.

const WASM_URL = '__PARLOUR_WASM__';
const LAUNCHER_CSS = '__PARLOUR_LAUNCHER_CSS__';

const TAG = 'chat-widget';
const PREFIX = 'chat-widget:';
const STORE = 'parlour:';
const SECURITY = ['JWT_REQUIRED', 'JWT_INVALID', 'DOMAIN_NOT_ALLOWED'];
const OBSERVED = ['project-id', 'api-base-url', 'title', 'primary-color', 'default-open'];
const SVG = 'http://www.w3.org/2000/svg';

/** The widget module, loaded once per page. */
let loading = null;
function load() {
  if (!loading) {
    loading = (async () => {
      // The wasm download starts while the glue loads: both requests run in parallel.
      const wasm = fetch(new URL(WASM_URL, import.meta.url));
      const glue = await import('__PARLOUR_GLUE__');
      await glue.default({ module_or_path: wasm });
      return glue;
    })();
    loading.then(
      (mod) => {
        loaded = mod;
        // The module is here: every widget on the page takes over now, not at its own idle time.
        for (const node of document.querySelectorAll(TAG)) if (node._start && !node._w && node.isConnected) node._start();
      },
      () => { loading = null; },
    );
  }
  return loading;
}
let loaded = null;

let sheet = null;
function launcherSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(`${LAUNCHER_CSS}
.launcher[aria-busy="true"] svg{animation:pw-wait .7s ease-in-out infinite alternate}
@keyframes pw-wait{to{opacity:.4}}`);
  }
  return sheet;
}

const bool = (v) => v != null && v.trim().toLowerCase() !== 'false';
const hex = (v) => (v && /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(v.trim()) ? v.trim() : null);

/** Near-black on light accents, white on dark ones (the same rule as the widget's). */
function onAccent(color) {
  const h = color.slice(1);
  const ch = (i) => {
    const v = h.length < 6 ? parseInt(h[i], 16) * 17 : parseInt(h.slice(i * 2, i * 2 + 2), 16);
    return (v / 255) ** 2;
  };
  const l = 0.2126 * ch(0) + 0.7152 * ch(1) + 0.0722 * ch(2);
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.058 ? '#ffffff' : '#111827';
}

/** The project's colour remembered from the last session, so a returning visitor sees no flash. */
function storedColor(projectId) {
  try {
    return hex(JSON.parse(localStorage.getItem(STORE + projectId)).session.look.primaryColor);
  } catch {
    return null;
  }
}

function el(name, attrs, ns) {
  const node = ns ? document.createElementNS(ns, name) : document.createElement(name);
  for (const k in attrs) node.setAttribute(k, attrs[k]);
  return node;
}

function chatIcon() {
  const svg = el('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' }, SVG);
  svg.append(
    el('path', { d: 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.6A8 8 0 1 1 21 12z' }, SVG),
    el('path', { d: 'M8.5 12h.01M12 12h.01M15.5 12h.01', 'stroke-width': '2.6' }, SVG),
  );
  return svg;
}

/** After the page's own load, when the browser has nothing better to do. */
function whenIdle(fn) {
  let cancel = () => {};
  const idle = () => {
    if (window.requestIdleCallback) {
      const id = requestIdleCallback(fn, { timeout: 3000 });
      cancel = () => cancelIdleCallback(id);
    } else {
      const id = setTimeout(fn, 1500);
      cancel = () => clearTimeout(id);
    }
  };
  if (document.readyState === 'complete') idle();
  else {
    addEventListener('load', idle, { once: true });
    cancel = () => removeEventListener('load', idle);
  }
  return () => cancel();
}

const listeners = new Map();

class ChatWidgetElement extends HTMLElement {
  static get observedAttributes() {
    return OBSERVED;
  }

  constructor() {
    super();
    /** The mounted WASM widget (`MountedWidget`), or null. */
    this._w = null;
    /** Whether the panel should be open (a click or `open()` before the WASM arrived). */
    this._open = false;
    /** Identity, locale and callbacks from `ChatWidget.boot`/`identify`/`setLocale`. */
    this._opts = {};
    this._unread = 0;
    this._gen = 0;
    this._cancelIdle = null;
    this._seen = false;
  }

  connectedCallback() {
    const gen = ++this._gen;
    const root = this.shadowRoot || this.attachShadow({ mode: 'open' });
    if (!this._w) this._paint(root);
    // `default-open` counts once: a widget the visitor closed stays closed when it is moved.
    if (!this._seen && bool(this.getAttribute('default-open'))) this._open = true;
    this._seen = true;
    const mode = this.hasAttribute('eager') ? 'eager' : (this.getAttribute('loading') || 'idle').toLowerCase();
    if (loaded || mode === 'eager' || this._open) this._start();
    else if (mode !== 'click') this._cancelIdle = whenIdle(() => gen === this._gen && this._start());
  }

  disconnectedCallback() {
    this._gen++;
    if (this._cancelIdle) this._cancelIdle();
    this._cancelIdle = null;
    const w = this._w;
    this._w = null;
    if (w) {
      this._open = w.is_open();
      w.unmount();
    }
  }

  attributeChangedCallback(name, before, after) {
    if (before === after || !this.isConnected) return;
    if (this._w) {
      if (this._w.attribute_changed(name)) this._restart();
    } else if (this.shadowRoot) {
      this._paint(this.shadowRoot);
    }
  }

  /** The launcher, as the WASM widget draws it, until the WASM takes over. */
  _paint(root) {
    const wrap = el('div', { class: 'root', 'data-open': 'false' });
    const button = el('button', { type: 'button', class: 'launcher', 'aria-label': 'Open chat', 'aria-expanded': 'false' });
    const color = hex(this.getAttribute('primary-color')) || storedColor((this.getAttribute('project-id') || '').trim());
    if (color) {
      wrap.style.setProperty('--pw-accent', color);
      wrap.style.setProperty('--pw-on-accent', onAccent(color));
    }
    button.append(chatIcon());
    button.addEventListener('click', () => {
      this._open = true;
      button.setAttribute('aria-busy', 'true');
      this._start();
    });
    // Warm up on intent: the download usually finishes before the click does.
    button.addEventListener('pointerenter', () => this._start(), { once: true });
    // A press here released on the widget's own launcher (the WASM took over in between) is no
    // click, the two targets differing: the release opens the panel then.
    button.addEventListener('pointerdown', () => {
      this._start();
      addEventListener('pointerup', (ev) => {
        if (this._w && ev.composedPath().includes(this)) setTimeout(() => this._w && !this._w.is_open() && this._w.open());
      }, { once: true, capture: true });
    });
    wrap.append(button);
    root.adoptedStyleSheets = [launcherSheet()];
    root.replaceChildren(wrap);
  }

  _start() {
    if (this._cancelIdle) this._cancelIdle();
    this._cancelIdle = null;
    const gen = this._gen;
    load().then(
      (mod) => {
        if (gen === this._gen && this.isConnected && !this._w) this._mount(mod);
      },
      (err) => this._emit('error', { code: 'LOAD_FAILED', message: String((err && err.message) || err) }),
    );
  }

  _mount(mod) {
    const root = this.shadowRoot;
    const focused = !!root.activeElement;
    const projectId = (this.getAttribute('project-id') || '').trim();
    forgetOtherUser(projectId, this._opts.userId);
    // The launcher's rules live only here: the widget adopts this sheet before its own.
    const options = { ...this._opts, emit: (name, detail) => this._emit(name, detail), launcherSheet: launcherSheet() };
    try {
      this._w = mod.mount(this, root, options);
    } catch (err) {
      this._paint(root);
      this._emit('error', { code: 'INVALID_CONFIG', message: String(err) });
      return;
    }
    this._emit('ready', {});
    if (this._open && !this._w.is_open()) {
      // On the next frame, so the panel animates in and focus moves into the composer.
      requestAnimationFrame(() => this._w && this._w.open());
    } else if (focused) {
      const launcher = root.querySelector('.launcher');
      if (launcher) launcher.focus();
    }
  }

  _restart() {
    this.disconnectedCallback();
    this.connectedCallback();
  }

  _emit(name, detail) {
    if (name === 'unread') {
      if (detail.count === this._unread) return;
      this._unread = detail.count;
    }
    if (name === 'open') this._open = true;
    if (name === 'close') this._open = false;
    if (name === 'error' && SECURITY.includes(detail.code) && typeof this._opts.onSecurityError === 'function') {
      try { this._opts.onSecurityError(detail.message, detail.code); } catch (e) { reportError(e); }
    }
    this.dispatchEvent(new CustomEvent(PREFIX + name, { detail, bubbles: true, composed: true }));
    for (const cb of listeners.get(name) || []) {
      try { cb(detail, this); } catch (e) { reportError(e); }
    }
  }

  // The page API (window.ChatWidget) drives these.
  _setOpen(open) {
    this._open = open;
    if (this._w) {
      if (open) this._w.open();
      else this._w.close();
    } else if (open) {
      this._start();
    }
  }

  _identify(opts) {
    const changedUser = (opts.userId || null) !== (this._opts.userId || null);
    Object.assign(this._opts, opts);
    if (!this._w) return;
    if (changedUser) this._restart();
    else this._w.identify(this._opts);
  }

  _setLocale(locale) {
    this._opts.locale = locale;
    if (this._w) this._w.set_locale(locale || '');
  }
}

/** A different signed-in user must not see the previous one's conversation on this browser. */
function forgetOtherUser(projectId, userId) {
  try {
    const key = `${STORE}${projectId}:user`;
    const last = localStorage.getItem(key);
    if ((last || '') !== (userId || '')) {
      if (last !== null || userId) localStorage.removeItem(STORE + projectId);
      if (userId) localStorage.setItem(key, userId);
      else localStorage.removeItem(key);
    }
  } catch {
    // Storage off (sandboxed frame): nothing is remembered, so nothing leaks either.
  }
}

const reportError = (e) => setTimeout(() => { throw e; });

// ---- window.ChatWidget ----------------------------------------------------------------------

let booted = null;
const widget = () => (booted && booted.isConnected ? booted : document.querySelector(TAG));

/** `ChatWidget.boot` options → element attributes and mount options. */
function applyBoot(node, o) {
  const attr = (name, v) => {
    if (v === undefined || v === null) return;
    if (v === false) node.removeAttribute(name);
    else node.setAttribute(name, v === true ? '' : String(v));
  };
  attr('project-id', o.app_id ?? o.projectId ?? o.project_id);
  attr('api-base-url', o.apiBaseUrl ?? o.api_base_url);
  attr('title', o.title);
  attr('primary-color', o.primaryColor ?? o.primary_color);
  attr('default-open', o.defaultOpen ?? o.default_open);
  attr('loading', o.loading);
  const opts = node._opts;
  const set = (k, v) => { if (v !== undefined) opts[k] = v; };
  set('userId', o.user_id ?? o.userId);
  set('userJwt', o.userJWT ?? o.userJwt);
  set('userHash', o.userHash ?? o.user_hash);
  set('email', o.email);
  set('name', o.name);
  set('locale', o.locale);
  set('onSecurityError', o.onSecurityError);
}

const api = {
  /** Configures the widget, creating `<chat-widget>` at the end of `<body>` when there is none. */
  boot(options = {}) {
    let node = widget();
    const fresh = !node;
    if (fresh) node = document.createElement(TAG);
    applyBoot(node, options);
    booted = node;
    if (fresh) (document.body || document.documentElement).append(node);
    else if (node._w) node._restart();
    return node;
  },
  /** Ends the local session: removes every widget and forgets what this browser stored. */
  shutdown() {
    for (const node of document.querySelectorAll(TAG)) node.remove();
    booted = null;
    try {
      for (const key of Object.keys(localStorage)) if (key.startsWith(STORE)) localStorage.removeItem(key);
    } catch {
      // Storage off: nothing stored.
    }
  },
  open() { widget()?._setOpen(true); },
  close() { widget()?._setOpen(false); },
  toggle() {
    const node = widget();
    if (node) node._setOpen(!(node._w ? node._w.is_open() : node._open));
  },
  /** `user`: `{ user_id, email, name, userHash }`; `jwt`: the host's signed identity token. */
  identify(user = {}, jwt) {
    const opts = { userId: user.user_id ?? user.userId ?? null, email: user.email, name: user.name, userHash: user.userHash };
    if (jwt !== undefined || user.userJWT !== undefined) opts.userJwt = jwt ?? user.userJWT;
    widget()?._identify(opts);
  },
  setLocale(locale) { widget()?._setLocale(locale); },
  /** Listens to `ready`, `open`, `close`, `message`, `unread`, `error`: `cb(detail, element)`. */
  on(name, cb) {
    if (!listeners.has(name)) listeners.set(name, new Set());
    listeners.get(name).add(cb);
    return () => api.off(name, cb);
  },
  off(name, cb) { listeners.get(name)?.delete(cb); },
  /** `cb(count)` whenever the unread count changes; returns the unsubscribe function. */
  onUnreadCountChange(cb) {
    const relay = (detail) => cb(detail.count);
    return api.on('unread', relay);
  },
};

if (!customElements.get(TAG)) {
  customElements.define(TAG, ChatWidgetElement);
  const queued = (window.ChatWidget && window.ChatWidget.q) || [];
  const ChatWidget = (method, ...args) => (typeof api[method] === 'function' ? api[method](...args) : undefined);
  Object.assign(ChatWidget, api);
  Object.defineProperty(ChatWidget, 'unreadCount', { get: () => widget()?._unread ?? 0 });
  window.ChatWidget = ChatWidget;
  for (const args of queued) ChatWidget(...args);
}
