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

/** A short message in the corner; errors stay until clicked, others fade after a few seconds. */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  if (!toastHost) {
    toastHost = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.appendChild(toastHost);
  }
  const el = h('div', { class: `toast toast-${kind}`, onclick: () => el.remove() }, message);
  toastHost.appendChild(el);
  if (kind !== 'error') setTimeout(() => el.remove(), 3500);
}

export const fmt = {
  int: (n: number | null | undefined) => (n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US')),
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
