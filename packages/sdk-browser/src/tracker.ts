import type { EventInput } from '@ebb/contracts';
import { setCurrentTracker } from './current-tracker.ts';
import { DURATION_MAX, ERROR_TYPE_MAX, STACK_MAX, TEXT_MAX, TITLE_MAX } from './limits.ts';
import { newId } from './new-id.ts';
import { cleanPath, referrerOrigin } from './page-url.ts';
import { privacySignal } from './privacy-signal.ts';

export type ConsentState = 'pending' | 'granted' | 'denied';

export interface TrackerOptions {
  /** A browser key (`ebb_brw_...`); the page's origin must be on its allow-list. */
  key: string;
  /** Ebb's base URL, e.g. `https://ebb.example.org`; the page's own origin when absent. */
  endpoint?: string;
  /**
   * Keep an anonymous id in localStorage so visits on different days can be linked. Off by
   * default: nothing is stored in the browser and Ebb counts visitors with a daily salt.
   */
  persist?: boolean;
  /** `pending` holds events until `consent('granted')`; `denied` sends nothing. Default `granted`. */
  consent?: ConsentState;
  /**
   * With Global Privacy Control or Do-Not-Track on: `anonymous` (default) sends events marked
   * `context.gpc`/`context.dnt` without user id, anonymous id or storage, and the tenant's setting
   * decides whether Ebb keeps them as anonymous counts or drops them; `block` sends nothing.
   */
  privacySignals?: 'anonymous' | 'block';
  /** The app's user id (pseudonymised by Ebb); also `identify()`. */
  userId?: string;
  /** Page views on load and on History API navigation. Default true. */
  autoPageviews?: boolean;
  /** Report `error` and `unhandledrejection`. Default true. */
  trackErrors?: boolean;
  /** Send `document.title` (titles can name people). Default false. */
  titles?: boolean;
  /** Default 10. */
  batchSize?: number;
  /** Default 2,000 ms. */
  flushIntervalMs?: number;
  /** Events held at most; the oldest are dropped. Default 100. */
  maxQueue?: number;
}

export interface Tracker {
  /** A custom event, tied to the current page. */
  track(type: string, props?: Record<string, unknown>, fields?: Partial<EventInput>): void;
  /** A page view of the current location, or of `path`; a repeat of the current path is ignored. */
  page(path?: string): void;
  /** A `javascript_error` event. */
  error(error: unknown, info?: { component?: string; componentStack?: string }): void;
  identify(userId?: string | null): void;
  consent(state: ConsentState): void;
  flush(): void;
  /** Sends nothing more. */
  stop(): void;
}

const STORAGE_KEY = 'ebb_aid';
const BATCH = 20;

/**
 * The browser tracker. It never throws into the page: every browser API it touches is guarded,
 * delivery failures are retried with backoff and then forgotten.
 */
export function createTracker(o: TrackerOptions): Tracker {
  const w = window;
  const d = document;
  const nav = navigator;
  const url = `${(o.endpoint || '').replace(/\/$/, '')}/api/v1/collect?key=${encodeURIComponent(o.key)}`;
  const max = o.maxQueue || 100;
  const size = o.batchSize || 10;
  const wait = o.flushIntervalMs || 2000;
  const signal = privacySignal(nav as never, w as never);
  const locale = /^[\w-]{1,35}$/.test(nav.language) ? nav.language : undefined;
  let consent: ConsentState = o.consent || 'granted';
  let userId = o.userId;
  let queue: EventInput[] = [];
  let held: EventInput[] = [];
  let timer: ReturnType<typeof setTimeout> | 0 = 0;
  let delay = 0;
  let errors = 0;
  let stopped = !!signal && o.privacySignals === 'block';
  // The page being viewed; `start` is 0 while the page is hidden.
  let page: { path: string; start: number } | null = null;

  const on = (target: EventTarget, type: string, fn: (e: any) => void) => target.addEventListener(type, (e) => {
    try {
      fn(e);
    } catch {
      // Never disturb the page.
    }
  });

  function storedId(): string | undefined {
    if (!o.persist || signal) return;
    try {
      let id = localStorage.getItem(STORAGE_KEY);
      if (!id) localStorage.setItem(STORAGE_KEY, (id = newId()));
      return id;
    } catch {
      return;
    }
  }

  function push(e: EventInput): void {
    if (stopped || consent === 'denied') return;
    e.id = newId();
    e.occurredAt = Date.now();
    e.context = signal ? { [signal]: true } : {};
    if (locale) e.context.locale = locale;
    if (userId && !signal) e.userId = userId;
    const q = consent === 'pending' ? held : queue;
    if (q.push(e) > max) q.shift();
    if (q === queue) queue.length >= size && !delay ? send() : schedule();
  }

  function schedule(): void {
    timer ||= setTimeout(send, delay || wait);
  }

  function post(batch: EventInput[], body: string): void {
    fetch(url, { method: 'POST', body, keepalive: body.length < 6e4, credentials: 'omit' })
      .then((r) => {
        // Ebb overloaded or restarting: keep the events. Anything else is final (4xx means invalid).
        if (r.status > 499 || r.status === 429) throw 0;
        delay = 0;
        if (queue.length) schedule();
      })
      .catch(() => {
        queue = batch.concat(queue);
        if (queue.length > max) queue.splice(0, queue.length - max);
        delay = Math.min(delay * 2 || 1000, 6e4);
        schedule();
      });
  }

  /** One batch by fetch; or, as the page goes away, everything by beacon. */
  function send(beacon?: boolean): void {
    clearTimeout(timer);
    timer = 0;
    const aid = storedId();
    while (queue.length) {
      const batch = queue.splice(0, BATCH);
      if (aid) for (const e of batch) e.anonymousId = aid;
      const body = JSON.stringify({ events: batch });
      if (!(beacon && nav.sendBeacon && nav.sendBeacon(url, body))) post(batch, body);
      if (!beacon) return;
    }
  }

  function exit(): void {
    if (page && page.start) {
      const ms = Date.now() - page.start;
      page.start = 0;
      // Bounces under a second say nothing about time on page.
      if (ms > 1000) push({ type: 'page_exit', page: { path: page.path, durationMs: Math.min(ms, DURATION_MAX) } });
    }
  }

  function view(path?: string): void {
    const p = cleanPath(path || location.pathname + location.search);
    if (page && page.path === p) return;
    const first = !page;
    exit();
    page = { path: p, start: d.visibilityState === 'hidden' ? 0 : Date.now() };
    const info: NonNullable<EventInput['page']> = { path: p };
    if (o.titles) info.title = d.title.slice(0, TITLE_MAX);
    if (first) {
      const ref = referrerOrigin(d.referrer, location.origin);
      if (ref) info.referrer = ref;
      const nt = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
      if (nt && nt.loadEventEnd > 0) info.loadTimeMs = Math.round(nt.loadEventEnd);
    }
    push({ type: 'page_view', page: info });
  }

  function error(x: any, info: { component?: string; componentStack?: string } = {}): void {
    // An error in a render loop must not flood Ebb.
    if (errors++ > 24) return;
    const stack = [x && x.stack, info.componentStack && `Component stack:${info.componentStack}`].filter(Boolean).join('\n\n').slice(0, STACK_MAX);
    const e: EventInput = {
      type: 'javascript_error',
      error: {
        type: String((x && x.name) || 'Error').slice(0, ERROR_TYPE_MAX),
        message: String(x && x.message !== undefined ? x.message : x).slice(0, TEXT_MAX),
      },
    };
    if (stack) e.error!.stack = stack;
    if (info.component) e.error!.component = info.component.slice(0, 256);
    if (page) e.page = { path: page.path };
    push(e);
  }

  const tracker: Tracker = {
    track(type, props, fields) {
      try {
        // Before the first page view (it waits for the load event) the event still names its page.
        push({ ...fields, type, ...(props && { props }), page: { path: page ? page.path : cleanPath(location.pathname + location.search) } });
      } catch {
        // Never disturb the page.
      }
    },
    page: (path) => {
      try {
        view(path);
      } catch {
        // Never disturb the page.
      }
    },
    error(x, info) {
      try {
        error(x, info);
      } catch {
        // Never disturb the page.
      }
    },
    identify(id) {
      userId = id || undefined;
    },
    consent(state) {
      consent = state;
      if (state === 'granted') {
        queue = queue.concat(held).slice(-max);
        held = [];
        send();
      } else if (state === 'denied') {
        queue = [];
        held = [];
        try {
          localStorage.removeItem(STORAGE_KEY);
        } catch {
          // Storage may be unavailable; then nothing was stored.
        }
      }
    },
    flush: () => send(),
    stop() {
      stopped = true;
    },
  };

  if (o.trackErrors !== false) {
    on(w, 'error', (e: ErrorEvent) => error(e.error || e.message));
    on(w, 'unhandledrejection', (e: PromiseRejectionEvent) => error(e.reason));
  }
  on(d, 'visibilitychange', () => {
    if (d.visibilityState === 'hidden') {
      exit();
      send(true);
    } else if (page && !page.start) page.start = Date.now();
  });
  on(w, 'pagehide', () => {
    if (!page && o.autoPageviews !== false) view();
    exit();
    send(true);
  });
  if (o.autoPageviews !== false) {
    const h = history;
    for (const m of ['pushState', 'replaceState'] as const) {
      const original = h[m];
      h[m] = function (this: History, ...args: Parameters<History['pushState']>) {
        const result = original.apply(this, args);
        // After the router has updated the location (and, usually, the title).
        setTimeout(tracker.page);
        return result;
      };
    }
    on(w, 'popstate', () => tracker.page());
    // The first view waits for the load event so Navigation Timing has the load time.
    if (d.readyState === 'complete') setTimeout(tracker.page);
    else on(w, 'load', () => setTimeout(tracker.page));
  }
  setCurrentTracker(tracker);
  return tracker;
}
