// One form control per setting, built from the field metadata the runtime sends (type, range, description),
// so the form never restates a limit. Each control reads back a JSON value ready for a settings patch.
import type { FieldMeta, ValueSource } from '../main/common/contract.js';
import { h, isSwitchOn, setSwitch, switchButton } from './dom.js';

export interface FieldControl {
  path: string;
  root: HTMLElement;
  /** The value as a patch would carry it, or a message when the input cannot be read (empty number, …). */
  read(): { value: unknown; problem?: string };
  setError(message: string | null): void;
}

const WORDS: Record<string, string> = { url: 'URL', api: 'API', ca: 'CA', mb: '(MiB)', id: 'ID' };
const LOG_LEVELS = ['error', 'warn', 'info', 'debug'];

export function labelFor(key: string): string {
  const words = key.split('_').map((w) => WORDS[w] ?? w);
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function rangeText(meta: FieldMeta): string {
  const kind = meta.type === 'integer' ? 'Whole number' : 'Number';
  if (meta.min !== undefined && meta.max !== undefined) return `${kind}, ${meta.min} – ${meta.max}`;
  if (meta.min !== undefined) return `${kind}, at least ${meta.min}`;
  return kind;
}

export function sourceNote(path: string, source: ValueSource | undefined, envName: string | undefined): string | null {
  if (source === 'env') return `Set by environment variable ${envName ?? '?'} (saving the file will not change it)`;
  if (source === 'cli') return `Set by command-line flag --${path.split('.')[1]} (saving the file will not change it)`;
  return null;
}

const idFor = (path: string) => `f-${path.replace(/[^a-z0-9]+/gi, '-')}`;

function fieldShell(path: string, meta: FieldMeta, input: HTMLElement, note: string | null, extraHelp?: string): { root: HTMLElement; error: HTMLElement } {
  const id = idFor(path);
  const key = path.split('.').pop()!;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': path, hidden: true });
  input.setAttribute('aria-describedby', `${id}-help ${extraHelp ? `${id}-range ` : ''}${id}-error`);
  const root = h(
    'div',
    { class: `field field-${meta.type}`, 'data-path': path },
    h(
      'div',
      { class: 'field-head' },
      h('label', { class: 'field-label', for: id, id: `${id}-label` }, labelFor(key)),
      h('code', { class: 'field-key' }, key),
      extraHelp ? h('span', { class: 'field-range', id: `${id}-range` }, extraHelp) : null,
    ),
    h('div', { class: 'field-input' }, input),
    h('p', { class: 'field-help', id: `${id}-help` }, meta.description),
    note ? h('p', { class: 'field-source' }, note) : null,
    error,
  );
  return { root, error };
}

function errorSetter(root: HTMLElement, error: HTMLElement, input: HTMLElement): (m: string | null) => void {
  return (message) => {
    error.hidden = !message;
    error.textContent = message ?? '';
    root.classList.toggle('has-error', !!message);
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  };
}

export function createFieldControl(path: string, meta: FieldMeta, value: unknown, note: string | null, onInput: () => void): FieldControl {
  const id = idFor(path);
  let input: HTMLInputElement | HTMLSelectElement | HTMLButtonElement;
  let read: FieldControl['read'];
  let extra: string | undefined;

  if (meta.type === 'boolean') {
    const sw = switchButton(labelFor(path.split('.').pop()!), id);
    setSwitch(sw, value === true);
    sw.addEventListener('click', () => {
      setSwitch(sw, !isSwitchOn(sw));
      onInput();
    });
    input = sw;
    read = () => ({ value: isSwitchOn(sw) });
  } else if (meta.type === 'integer' || meta.type === 'number') {
    const num = h('input', { id, type: 'number', inputmode: meta.type === 'integer' ? 'numeric' : 'decimal', step: meta.type === 'integer' ? '1' : 'any', min: meta.min, max: meta.max });
    num.value = value === undefined || value === null ? '' : String(value);
    num.addEventListener('input', onInput);
    input = num;
    extra = rangeText(meta);
    read = () => {
      if (num.value.trim() === '' || Number.isNaN(num.valueAsNumber)) return { value: num.value, problem: `Enter a number (${rangeText(meta).toLowerCase()}).` };
      return { value: num.valueAsNumber };
    };
  } else if (path === 'logging.level') {
    const sel = h('select', { id }, ...LOG_LEVELS.map((l) => h('option', { value: l }, l)));
    sel.value = String(value ?? 'info');
    sel.addEventListener('change', onInput);
    input = sel;
    read = () => ({ value: sel.value });
  } else if (meta.type === 'string[]') {
    const text = h('input', { id, type: 'text', spellcheck: 'false', autocomplete: 'off', placeholder: 'none' });
    text.value = Array.isArray(value) ? value.join(', ') : '';
    text.addEventListener('input', onInput);
    input = text;
    extra = 'Comma-separated';
    read = () => ({ value: text.value.split(',').map((s) => s.trim()).filter(Boolean) });
  } else {
    // Secrets arrive masked; sending the mask back means "unchanged", an empty field removes the value.
    const text = h('input', { id, type: meta.secret ? 'password' : 'text', spellcheck: 'false', autocomplete: 'off', placeholder: meta.optional ? 'not set' : '' });
    text.value = typeof value === 'string' ? value : '';
    text.addEventListener('input', onInput);
    input = text;
    if (meta.optional) extra = 'Optional';
    read = () => ({ value: text.value.trim() });
  }

  const { root, error } = fieldShell(path, meta, input, note, extra);
  return { path, root, read, setError: errorSetter(root, error, input) };
}

/** model_mapping: a small editable table of "OpenAI model name → Claude model" rows. */
export function createMappingControl(meta: FieldMeta, value: Record<string, string>, note: string | null, onInput: () => void): FieldControl {
  const path = 'model_mapping';
  const body = h('tbody');
  const head = h('thead', {}, h('tr', {}, h('th', {}, 'Model name'), h('th', {}), h('th', {}, 'Claude model'), h('th', {})));
  const none = h('p', { class: 'empty map-empty' }, 'No mappings yet: the OpenAI endpoint accepts only claude-* model names until you map others.');
  const syncEmpty = () => {
    none.hidden = body.rows.length > 0;
    head.hidden = body.rows.length === 0;
  };
  const addRow = (name = '', model = '') => {
    const nameInput = h('input', { type: 'text', class: 'map-name', 'aria-label': 'Model name clients send', value: name, placeholder: 'gpt-4o', spellcheck: 'false' });
    const modelInput = h('input', { type: 'text', class: 'map-model', 'aria-label': 'Claude model', value: model, placeholder: 'claude-sonnet-4-5', spellcheck: 'false' });
    const remove = h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': `Remove mapping ${name}` }, 'Remove');
    const row = h('tr', {}, h('td', {}, nameInput), h('td', { class: 'map-arrow', 'aria-hidden': 'true' }, '→'), h('td', {}, modelInput), h('td', {}, remove));
    nameInput.addEventListener('input', onInput);
    modelInput.addEventListener('input', onInput);
    remove.addEventListener('click', () => {
      row.remove();
      syncEmpty();
      onInput();
    });
    body.appendChild(row);
    syncEmpty();
  };
  for (const [name, model] of Object.entries(value)) addRow(name, model);
  syncEmpty();

  const add = h('button', { type: 'button', class: 'btn btn-small' }, 'Add mapping');
  add.addEventListener('click', () => {
    addRow();
    onInput();
  });
  const table = h(
    'div',
    { class: 'mapping' },
    h('table', { class: 'mapping-table' }, head, body),
    none,
    add,
  );
  const { root, error } = fieldShell(path, meta, table, note);
  root.classList.add('field-wide');
  // The card's title already says "Model mapping": keep the label for screen readers only, and without
  // `for`, which would point at a single control (and clicking it would act).
  root.querySelector('.field-head')!.classList.add('sr-only');
  root.querySelector('label')!.removeAttribute('for');
  table.querySelector('table')!.setAttribute('aria-labelledby', `${idFor(path)}-label`);
  const read = () => {
    const out: Record<string, string> = {};
    for (const row of body.querySelectorAll('tr')) {
      const name = row.querySelector<HTMLInputElement>('.map-name')!.value.trim();
      const model = row.querySelector<HTMLInputElement>('.map-model')!.value.trim();
      if (!name && !model) continue;
      if (!name) return { value: out, problem: `Give a model name for ${model}.` };
      out[name] = model;
    }
    return { value: out };
  };
  return { path, root, read, setError: errorSetter(root, error, table) };
}
