// Tiny DOM helpers. Elements are built with createElement and textContent only (never innerHTML), so
// log lines and settings values can never inject markup, and nothing needs an inline style (CSP style-src 'self').

type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined;
type Attrs = { [name: string]: AttrValue | ((event: Event) => void) };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** A switch: a button with role="switch", so screen readers announce on/off and Space/Enter toggle it. */
export function switchButton(label: string, id?: string): HTMLButtonElement {
  return h('button', { type: 'button', role: 'switch', class: 'switch', 'aria-checked': 'false', 'aria-label': label, id }, h('span', { class: 'switch-thumb' }));
}

export function setSwitch(el: HTMLButtonElement, on: boolean): void {
  el.setAttribute('aria-checked', on ? 'true' : 'false');
}

export function isSwitchOn(el: HTMLButtonElement): boolean {
  return el.getAttribute('aria-checked') === 'true';
}

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Clipboard API refused (permissions, insecure context): fall back to a selection copy.
  }
  const area = h('textarea', { class: 'offscreen', readonly: true });
  area.value = text;
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

let toastHost: HTMLElement | null = null;
const ERROR_TOAST_MS = 10_000;

function ensureToastHost(): HTMLElement {
  if (toastHost) return toastHost;
  const host = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
  document.body.appendChild(host);
  // Room at the end of the page as tall as the toasts, so the last fields can always be scrolled clear of them.
  new ResizeObserver(() => document.body.style.setProperty('--toast-space', `${host.offsetHeight ? host.offsetHeight + 28 : 0}px`)).observe(host);
  return (toastHost = host);
}

/**
 * A short message in the corner, closed by a click; info fades after a few seconds, errors after ten. The same
 * message again counts up instead of stacking. Errors raised while the connection to ccproxy is lost are
 * tagged, and clearConnectionToasts() removes them once it is back, so no stale "Failed to fetch" remains.
 */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  const host = ensureToastHost();
  const lost = document.documentElement.dataset.connection === 'lost';
  const same = [...host.children].find((el) => (el as HTMLElement).dataset.message === message) as HTMLElement | undefined;
  if (same) {
    const n = Number(same.dataset.count ?? '1') + 1;
    same.dataset.count = String(n);
    same.querySelector('.toast-count')!.textContent = ` (×${n})`;
    return;
  }
  const el = h('div', { class: `toast toast-${kind}`, 'data-message': message, 'data-connection': kind === 'error' && lost ? 'lost' : undefined, title: 'Click to close', onclick: () => el.remove() }, message, h('span', { class: 'toast-count' }));
  host.appendChild(el);
  setTimeout(() => el.remove(), kind === 'error' ? ERROR_TOAST_MS : 3500);
}

export function clearConnectionToasts(): void {
  for (const el of toastHost?.querySelectorAll('[data-connection="lost"]') ?? []) el.remove();
}

/** One formatter: toLocaleString builds a new one per call, which showed in the profile under load. */
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const fmt = {
  int: (n: number | null | undefined) => (n === null || n === undefined ? '–' : INT.format(Math.round(n))),
  ms: (n: number | null | undefined) => (n === null || n === undefined ? '–' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n < 10 ? n.toFixed(1) : Math.round(n)} ms`),
  duration(seconds: number): string {
    if (seconds < 60) return `${Math.max(0, Math.round(seconds))}s`;
    if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${Math.round(seconds % 60)}s`;
    return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  },
  clock(iso: string): string {
    const d = new Date(iso);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  },
};
