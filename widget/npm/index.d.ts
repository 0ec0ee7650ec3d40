// Types for @parlour/chat-widget: the <chat-widget> element, its events and window.ChatWidget.
// Importing the package (`import '@parlour/chat-widget'`) registers the element and the API.

/** A message as the `chat-widget:message` event reports it. */
export interface ChatWidgetMessage {
  /** The stored message's id. */
  id?: string;
  /** Its position in the conversation (1, 2, 3…). */
  seq?: number;
  /** The id the widget chose when the visitor sent it. */
  clientMessageId?: string;
  author: { kind: 'visitor' | 'agent' | 'assistant' | 'system'; name?: string };
  /** Plain text. */
  body: string;
  /** Unix milliseconds. */
  createdAt: number;
}

/** `chat-widget:error` detail. Codes: the server's (`JWT_REQUIRED`, `JWT_INVALID`,
 * `DOMAIN_NOT_ALLOWED`, `ORGANIZATION_NOT_FOUND`, `PROJECT_INACTIVE`…) and the loader's
 * (`LOAD_FAILED`, `INVALID_CONFIG`). */
export interface ChatWidgetErrorDetail {
  code: string;
  message: string;
}

/** `chat-widget:unread` detail. */
export interface ChatWidgetUnreadDetail {
  count: number;
}

/** The details of the widget's events, by short name (`ChatWidget.on(name, …)`). */
export interface ChatWidgetEventDetails {
  ready: Record<string, never>;
  open: undefined;
  close: undefined;
  message: ChatWidgetMessage;
  unread: ChatWidgetUnreadDetail;
  error: ChatWidgetErrorDetail;
}

/** The DOM events (`bubbles: true, composed: true`, dispatched on the element). */
export type ChatWidgetEventMap = {
  [K in keyof ChatWidgetEventDetails as `chat-widget:${K}`]: CustomEvent<ChatWidgetEventDetails[K]>;
};

/** The element's attributes. */
export interface ChatWidgetAttributes {
  /** The project (required). */
  'project-id': string;
  /** The Parlour server, e.g. `https://chat.example.com` (default: the page's origin). */
  'api-base-url'?: string;
  /** The panel's title. */
  title?: string;
  /** The accent colour, `#rgb` / `#rrggbb`. */
  'primary-color'?: string;
  /** Start with the panel open. */
  'default-open'?: boolean | '' | 'true' | 'false';
  /** When to fetch the WASM: on idle (default), at once, or only on the first open. */
  loading?: 'idle' | 'eager' | 'click';
  /** Same as `loading="eager"`. */
  eager?: boolean | '';
}

/** `ChatWidget.boot` options (`app_id` / `projectId` names the project). */
export interface ChatWidgetBootOptions {
  app_id?: string;
  projectId?: string;
  apiBaseUrl?: string;
  /** The host site's own user id (sent as `externalUserId`). */
  user_id?: string;
  email?: string;
  name?: string;
  /** The host's signed identity token for projects with identity verification. */
  userJWT?: string;
  /** HMAC-SHA256 of `user_id` under the project secret (hex). */
  userHash?: string;
  /** Called for `JWT_REQUIRED`, `JWT_INVALID` and `DOMAIN_NOT_ALLOWED`. */
  onSecurityError?: (error: string, code: string) => void;
  title?: string;
  primaryColor?: string;
  locale?: string;
  defaultOpen?: boolean;
  loading?: 'idle' | 'eager' | 'click';
}

/** What `identify` takes. */
export interface ChatWidgetUser {
  user_id?: string;
  email?: string;
  name?: string;
  userHash?: string;
}

/** `window.ChatWidget`: callable (`ChatWidget('open')`) and with methods. */
export interface ChatWidgetApi {
  (method: 'boot', options: ChatWidgetBootOptions): void;
  (method: 'identify', user: ChatWidgetUser, jwt?: string): void;
  (method: 'setLocale', locale: string): void;
  (method: 'on' | 'off', event: keyof ChatWidgetEventDetails, callback: (detail: unknown) => void): void;
  (method: 'onUnreadCountChange', callback: (count: number) => void): void;
  (method: 'shutdown' | 'open' | 'close' | 'toggle'): void;
  /** Configures the widget, creating `<chat-widget>` when the page has none. */
  boot(options: ChatWidgetBootOptions): ChatWidgetElement;
  /** Ends the local session: removes the widget(s) and clears what they stored. */
  shutdown(): void;
  open(): void;
  close(): void;
  toggle(): void;
  /** A new identity; another `user_id` starts a fresh conversation. */
  identify(user: ChatWidgetUser, jwt?: string): void;
  setLocale(locale: string): void;
  /** Returns the unsubscribe function. */
  on<K extends keyof ChatWidgetEventDetails>(event: K, callback: (detail: ChatWidgetEventDetails[K], element: ChatWidgetElement) => void): () => void;
  off<K extends keyof ChatWidgetEventDetails>(event: K, callback: (detail: ChatWidgetEventDetails[K], element: ChatWidgetElement) => void): void;
  /** Messages from others not seen yet (0 before the widget has loaded). */
  readonly unreadCount: number;
  /** Returns the unsubscribe function. */
  onUnreadCountChange(callback: (count: number) => void): () => void;
  /** Calls queued by the snippet before the loader arrived. */
  q?: IArguments[];
}

/** The `<chat-widget>` element. */
export interface ChatWidgetElement extends HTMLElement {
  addEventListener<K extends keyof ChatWidgetEventMap>(type: K, listener: (this: ChatWidgetElement, ev: ChatWidgetEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof ChatWidgetEventMap>(type: K, listener: (this: ChatWidgetElement, ev: ChatWidgetEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** JSX typing for frameworks that use the global JSX namespace (Preact, Solid, older React). */
type ChatWidgetJsx = Partial<ChatWidgetAttributes> & { class?: string; className?: string; id?: string; children?: unknown; ref?: unknown };

declare global {
  interface HTMLElementTagNameMap {
    'chat-widget': ChatWidgetElement;
  }
  interface DocumentEventMap extends ChatWidgetEventMap {}
  interface WindowEventMap extends ChatWidgetEventMap {}
  interface Window {
    ChatWidget: ChatWidgetApi;
  }
  namespace JSX {
    interface IntrinsicElements {
      'chat-widget': ChatWidgetJsx;
    }
  }
}

export {};
