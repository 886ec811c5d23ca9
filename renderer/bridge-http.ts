// The browser transport: operations are POST /admin/api/<op> with a JSON body, events come from one shared
// EventSource on /admin/api/events. Used by the /ui dashboard (headless mode) and the browser tests.
import type { ApiEvents, ApiOperations, CcproxyApi, EventName, OperationName, RuntimeStatus } from '../main/common/contract.js';
import { setConnectionLost } from './connection.js';

const TOKEN_KEY = 'ccproxy.token';
/** Every event name; a `satisfies` list so a new event in the contract is a type error here until added. */
const EVENTS = ['stats', 'log', 'status', 'request'] as const satisfies readonly EventName[];

export class HttpApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'HttpApiError';
  }
}

/**
 * `?token=…` in the page URL is kept for this tab (sessionStorage) and removed from the address bar, so it
 * does not end up in history or a screenshot. Sent as x-ccproxy-token on every call.
 */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage disabled: the token still works for this page load
    }
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: string | { message?: string } };
    if (typeof body.error === 'string') return body.error;
    if (body.error?.message) return body.error.message; // the proxy's Anthropic-shaped errors (403, 401)
  } catch {
    // not JSON
  }
  return text || `${res.status} ${res.statusText}`;
}

export function createHttpBridge(base = ''): CcproxyApi {
  const token = takeToken();
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let lastStatus: RuntimeStatus | null = null;

  async function call<K extends OperationName>(op: K, payload?: ApiOperations[K]['request']): Promise<ApiOperations[K]['response']> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['x-ccproxy-token'] = token;
    let res: Response;
    try {
      res = await fetch(`${base}/admin/api/${op}`, { method: 'POST', headers, body: JSON.stringify(payload ?? null), cache: 'no-store' });
    } catch (err) {
      // A network failure ("Failed to fetch"): ccproxy is gone or restarting. Say so rather than the browser's words.
      setConnectionLost(true);
      throw new Error(`ccproxy is not reachable (${(err as Error).message}); it reconnects by itself`);
    }
    setConnectionLost(false);
    // In a browser the token can only come from the address, so say how to give it.
    if (res.status === 401) throw new HttpApiError('this proxy has a client token ([security] auth_token); open the dashboard as /ui/?token=YOUR_TOKEN', 401);
    if (!res.ok) throw new HttpApiError(await errorMessage(res), res.status);
    return (await res.json()) as ApiOperations[K]['response'];
  }

  function emit<E extends EventName>(event: E, payload: ApiEvents[E], live = true): void {
    if (live) setConnectionLost(false);
    if (event === 'status') lastStatus = payload as RuntimeStatus;
    for (const l of listeners.get(event) ?? []) (l as (p: ApiEvents[E]) => void)(payload);
  }

  function connect(): void {
    const url = `${base}/admin/api/events${token ? `?token=${encodeURIComponent(token)}` : ''}`;
    const es = new EventSource(url);
    source = es;
    for (const name of EVENTS) {
      es.addEventListener(name, (e) => emit(name, JSON.parse((e as MessageEvent<string>).data) as ApiEvents[typeof name]));
    }
    es.addEventListener('error', () => {
      // The stream does not say why it failed; one operation does (proxy gone, token refused, or a hiccup).
      // The server sends the current status on every (re)connect, which clears an error again.
      call('getStatus').then(
        (status) => emit('status', status),
        (err: Error) =>
          emit('status', {
            run: lastStatus?.run ?? '',
            upstream: lastStatus?.upstream ?? 'unknown',
            state: 'error',
            endpoint: lastStatus?.endpoint ?? window.location.origin,
            pool_enabled: lastStatus?.pool_enabled ?? false,
            error: err instanceof HttpApiError ? `Cannot reach the ccproxy admin API: ${err.message}` : 'Lost the connection to ccproxy; reconnecting…',
          }, false),
      );
      // EventSource retries network errors by itself but gives up after an HTTP error: reopen it then.
      if (es.readyState === EventSource.CLOSED && source === es && !retryTimer) {
        retryTimer = setTimeout(() => {
          retryTimer = null;
          if (source === es && hasListeners()) connect();
        }, 3000);
      }
    });
  }

  const hasListeners = () => [...listeners.values()].some((s) => s.size > 0);

  function on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener as (payload: never) => void);
    if (!source) connect();
    return () => {
      set.delete(listener as (payload: never) => void);
      if (!hasListeners() && source) {
        source.close();
        source = null;
      }
    };
  }

  // An object literal typed as CcproxyApi: tsc fails here if an operation of the contract is missing.
  const api: CcproxyApi = {
    getStatus: () => call('getStatus'),
    getStats: () => call('getStats'),
    getLogs: () => call('getLogs'),
    getSettings: () => call('getSettings'),
    validateSettings: (patch) => call('validateSettings', patch),
    saveSettings: (patch) => call('saveSettings', patch),
    setPoolingEnabled: (request) => call('setPoolingEnabled', request),
    getRequests: (request) => call('getRequests', request),
    getUsage: () => call('getUsage'),
    getRequestPage: (request) => call('getRequestPage', request),
    getRequestDetail: (request) => call('getRequestDetail', request),
    getUsageReport: (request) => call('getUsageReport', request),
    exportRequests: (request) => call('exportRequests', request),
    clearHistory: () => call('clearHistory'),
    resetHistory: () => call('resetHistory'),
    on,
  };
  return api;
}
