// "Connect a tool": the three lines people need to point a client at the proxy, one click from the header,
// each with a copy button. They follow the endpoint the runtime reports (host and port can change).
import { copyText, h } from './dom.js';

interface Snippet {
  id: string;
  label: string;
  text: (endpoint: string) => string;
}

const SNIPPETS: Snippet[] = [
  { id: 'claude-code', label: 'Claude Code', text: (e) => `ANTHROPIC_BASE_URL=${e} claude` },
  { id: 'sdk', label: 'Anthropic SDK (TypeScript)', text: (e) => `new Anthropic({ baseURL: '${e}' })` },
  { id: 'openai', label: 'OpenAI-compatible base URL', text: (e) => `${e}/v1` },
];

export function createSetupSnippets(): { root: HTMLElement; setEndpoint(endpoint: string): void } {
  const codes = new Map<string, HTMLElement>();
  const rows = SNIPPETS.map((s) => {
    const code = h('code', { class: 'snippet-code', id: `snippet-${s.id}` });
    codes.set(s.id, code);
    const copy = h('button', { type: 'button', class: 'btn btn-small', id: `copy-snippet-${s.id}`, 'aria-label': `Copy the ${s.label} line` }, 'Copy');
    copy.addEventListener('click', async () => {
      await copyText(code.textContent ?? '');
      copy.textContent = 'Copied';
      setTimeout(() => (copy.textContent = 'Copy'), 1500);
    });
    return h('li', { class: 'snippet' }, h('span', { class: 'snippet-label' }, s.label), h('div', { class: 'snippet-line' }, code, copy));
  });
  // <details>: a native disclosure, keyboard and screen-reader ready, no script needed to open or close it.
  const root = h('details', { class: 'setup', id: 'setup-snippets' }, h('summary', { class: 'btn btn-small setup-toggle' }, 'Connect a tool'), h('div', { class: 'setup-panel card' }, h('ul', { class: 'snippet-list' }, ...rows)));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && root.open) root.open = false;
  });
  document.addEventListener('click', (e) => {
    if (root.open && !root.contains(e.target as Node)) root.open = false;
  });
  return {
    root,
    setEndpoint(endpoint) {
      for (const s of SNIPPETS) codes.get(s.id)!.textContent = s.text(endpoint);
    },
  };
}
