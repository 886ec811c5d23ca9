// "Connect a tool": the three lines people need to point a client at the proxy, one click from the header,
// each with a copy button. They follow the endpoint the runtime reports (host and port can change), and, when
// [security] auth_token is set, carry the x-ccproxy-token header every client must then send. The token itself is
// a secret the settings view never exposes (it is masked there): the lines hold a <token> placeholder and a note
// says where the real one is.
import type { CcproxyApi } from '../main/common/contract.js';
import { copyText, h } from './dom.js';

/** What the lines show in place of the token. */
export const TOKEN_PLACEHOLDER = '<token>';

interface Snippet {
  id: string;
  label: string;
  text: (endpoint: string, token: boolean) => string;
  /** Said under the line when a token is required and the line itself cannot carry it. */
  tokenNote?: string;
}

const SNIPPETS: Snippet[] = [
  {
    id: 'claude-code',
    label: 'Claude Code',
    text: (e, t) => `ANTHROPIC_BASE_URL=${e}${t ? ` ANTHROPIC_CUSTOM_HEADERS='x-ccproxy-token: ${TOKEN_PLACEHOLDER}'` : ''} claude`,
  },
  {
    id: 'sdk',
    label: 'Anthropic SDK (TypeScript)',
    text: (e, t) => (t ? `new Anthropic({ baseURL: '${e}', defaultHeaders: { 'x-ccproxy-token': '${TOKEN_PLACEHOLDER}' } })` : `new Anthropic({ baseURL: '${e}' })`),
  },
  {
    id: 'openai',
    label: 'OpenAI-compatible base URL',
    text: (e) => `${e}/v1`,
    tokenNote: 'Also send the token as the x-ccproxy-token header (default headers of the client), or as the API key when ccproxy holds the upstream key.',
  },
];

const TOKEN_NOTE = `This proxy requires a client token ([security] auth_token). Replace ${TOKEN_PLACEHOLDER} with it: it is a secret, so it is not shown here (it is in your .ccproxy.toml or SECURITY__AUTH_TOKEN).`;

export function createSetupSnippets(api?: Pick<CcproxyApi, 'getSettings'>): { root: HTMLElement; setEndpoint(endpoint: string): void; setTokenRequired(required: boolean): void } {
  let endpoint = '';
  let tokenRequired = false;
  const codes = new Map<string, HTMLElement>();
  const notes = new Map<string, HTMLElement>();
  const rows = SNIPPETS.map((s) => {
    const code = h('code', { class: 'snippet-code', id: `snippet-${s.id}` });
    codes.set(s.id, code);
    const copy = h('button', { type: 'button', class: 'btn btn-small', id: `copy-snippet-${s.id}`, 'aria-label': `Copy the ${s.label} line` }, 'Copy');
    copy.addEventListener('click', async () => {
      await copyText(code.textContent ?? '');
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
    });
    const note = s.tokenNote ? h('p', { class: 'snippet-note', id: `snippet-${s.id}-note`, hidden: true }, s.tokenNote) : null;
    if (note) notes.set(s.id, note);
    return h('li', { class: 'snippet' }, h('span', { class: 'snippet-label' }, s.label), h('div', { class: 'snippet-line' }, code, copy), ...(note ? [note] : []));
  });
  const tokenNote = h('p', { class: 'snippet-note', id: 'snippet-token-note', hidden: true }, TOKEN_NOTE);
  // <details>: a native disclosure, keyboard and screen-reader ready, no script needed to open or close it.
  const root = h('details', { class: 'setup', id: 'setup-snippets' }, h('summary', { class: 'btn btn-small setup-toggle' }, 'Connect a tool'), h('div', { class: 'setup-panel card' }, tokenNote, h('ul', { class: 'snippet-list' }, ...rows)));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && root.open) root.open = false;
  });
  document.addEventListener('click', (e) => {
    if (root.open && !root.contains(e.target as Node)) root.open = false;
  });

  function render(): void {
    for (const s of SNIPPETS) codes.get(s.id)!.textContent = s.text(endpoint, tokenRequired);
    for (const note of notes.values()) note.hidden = !tokenRequired;
    tokenNote.hidden = !tokenRequired;
  }
  const self = {
    root,
    setEndpoint(next: string) {
      endpoint = next;
      render();
    },
    setTokenRequired(required: boolean) {
      tokenRequired = required;
      render();
    },
  };
  // Asked again each time the panel opens: the token may have been set or removed in Settings since.
  // The view holds the mask ('********') for a set secret, never its value.
  root.addEventListener('toggle', () => {
    if (!root.open || !api) return;
    api.getSettings().then((view) => self.setTokenRequired(!!view.values.security?.auth_token), () => {});
  });
  return self;
}
