// The settings form: grouped by section, validated by the runtime as you type (the same rules as a save),
// saving only what changed so values from defaults or the environment are not copied into the file.
import type { CcproxyApi, FieldError, SettingsPatch, SettingsView } from '../main/common/contract.js';
import { h, toast } from './dom.js';
import { createFieldControl, createMappingControl, sourceNote, type FieldControl } from './settings-fields.js';

const SECTIONS: Array<{ key: string; title: string; blurb: string }> = [
  { key: 'server', title: 'Server', blurb: 'Where the proxy listens. Changing host or port restarts the listener.' },
  { key: 'pool_settings', title: 'Connection pool', blurb: 'How upstream connections are opened, reused and retired.' },
  { key: 'upstream', title: 'Upstream', blurb: 'The Anthropic API (or a compatible server) requests are forwarded to.' },
  { key: 'security', title: 'Security', blurb: 'Who may use the proxy.' },
  { key: 'logging', title: 'Logging', blurb: 'What is written to the log view and files.' },
  { key: 'openai', title: 'OpenAI format', blurb: 'Used by the OpenAI-compatible endpoints (/v1/chat/completions, /v1/responses).' },
  { key: 'history', title: 'History', blurb: 'Every request, its tokens and its cost, kept in a SQLite file across restarts.' },
  { key: 'model_mapping', title: 'Model mapping', blurb: 'Used by the OpenAI-compatible endpoints (/v1/chat/completions, /v1/responses).' },
];
const VALIDATE_DELAY_MS = 250;

export interface SettingsPanel {
  root: HTMLElement;
  show(): void;
  /** Settings changed elsewhere (the pooling switch): take them unless the user is editing. */
  externalChange(view: SettingsView): void;
  /** Scrolls to a field ('server.port') and focuses it, now or as soon as the form is built. */
  focusField(path: string): void;
}

export function createSettingsView(api: CcproxyApi): SettingsPanel {
  const fileInfo = h('div', { class: 'settings-file', id: 'settings-file' });
  const message = h('p', { class: 'settings-message', id: 'settings-message', role: 'status', 'aria-live': 'polite' });
  const revertBtn = h('button', { type: 'button', class: 'btn', id: 'settings-revert', disabled: true }, 'Revert');
  const saveBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'settings-save', disabled: true }, 'Save');
  const general = h('div', { class: 'settings-general', id: 'settings-general', role: 'alert', hidden: true });
  // A <form> so Enter in a field saves (when Save is enabled) and browsers treat the secret inputs properly.
  const form = h('form', { class: 'settings-sections', novalidate: true });
  const root = h(
    'section',
    { class: 'view view-settings', 'aria-label': 'Settings' },
    h('div', { class: 'settings-bar' }, fileInfo, message, h('div', { class: 'settings-actions' }, revertBtn, saveBtn)),
    general,
    form,
  );

  let savePath = '';
  let controls = new Map<string, FieldControl>();
  let baseline = new Map<string, string>();
  let dirty = false;
  let invalid = false;
  let pending = false;
  let saving = false;
  let validation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The errors on screen, by path ('' for ones that belong to no field). */
  let currentErrors = new Map<string, string>();

  function setMessage(text: string, kind: 'ok' | 'error' | '' = ''): void {
    message.textContent = text;
    message.className = `settings-message${kind ? ` msg-${kind}` : ''}`;
  }

  function updateButtons(): void {
    saveBtn.disabled = !dirty || pending || saving;
    // Blocked by an invalid value: still clickable, so a click can say which field and take the user there
    // (it may be scrolled far out of view).
    if (invalid && !saveBtn.disabled) saveBtn.setAttribute('aria-disabled', 'true');
    else saveBtn.removeAttribute('aria-disabled');
    revertBtn.disabled = !dirty || saving;
  }

  /** A field to focus once the form exists (the desktop app opens Settings on the port field when it is taken). */
  let focusWanted: string | null = null;
  function focusNow(): void {
    const control = focusWanted ? controls.get(focusWanted) : undefined;
    if (!control) return;
    focusWanted = null;
    control.root.scrollIntoView({ block: 'center' });
    control.root.querySelector<HTMLElement>('input, select, button')?.focus({ preventScroll: true });
  }

  /** Names the first invalid field next to Save, scrolls it into view and focuses it. */
  function showBlocker(): void {
    const first = [...controls.values()].find((c) => currentErrors.has(c.path));
    if (!first) {
      setMessage(`Not saved: ${[...currentErrors.values()][0] ?? 'fix the marked settings.'}`, 'error');
      general.scrollIntoView({ block: 'center' });
      return;
    }
    const label = first.root.querySelector('.field-label')?.textContent ?? first.path;
    setMessage(`Not saved: ${label} (${first.path}) — ${currentErrors.get(first.path)}`, 'error');
    first.root.scrollIntoView({ block: 'center' });
    first.root.querySelector<HTMLElement>('input, select, button')?.focus({ preventScroll: true });
  }

  function build(view: SettingsView): void {
    // A rebuild (a second load, a change from elsewhere) keeps the focus on the field that had it.
    const focused = document.activeElement;
    if (focused && form.contains(focused)) focusWanted ??= focused.closest('[data-path]')?.getAttribute('data-path') ?? null;
    clearTimeout(timer);
    validation++;
    controls = new Map();
    savePath = view.save_path;
    form.replaceChildren();
    // Names in the file that ccproxy does not read (a typo, or a newer version's key): kept in the file, said here.
    if (view.unknown?.length) {
      form.appendChild(h('div', { class: 'card settings-unknown', role: 'note' }, h('p', {}, 'Not read from the file (kept there as written):'), h('ul', {}, ...view.unknown.map((u) => h('li', {}, u.message)))));
    }
    // A value saved in the file but overridden (environment, flag) says both values and when the saved one applies.
    const shadowed = new Map((view.shadowed ?? []).map((s) => [s.path, s.message]));
    const noteFor = (path: string) => shadowed.get(path) ?? sourceNote(path, view.sources[path], view.env_overrides[path]);
    for (const section of SECTIONS) {
      const card = h('fieldset', { class: 'card settings-card', 'data-section': section.key }, h('legend', { class: 'card-title' }, section.title), h('p', { class: 'card-blurb' }, section.blurb));
      const grid = h('div', { class: 'field-grid' });
      if (section.key === 'model_mapping') {
        const meta = view.fields['model_mapping'];
        if (!meta) continue;
        const c = createMappingControl(meta, (view.values['model_mapping'] ?? {}) as Record<string, string>, noteFor('model_mapping'), onInput);
        controls.set(c.path, c);
        grid.appendChild(c.root);
      } else {
        for (const [path, meta] of Object.entries(view.fields)) {
          const [sec, key] = path.split('.');
          if (sec !== section.key || !key) continue;
          const c = createFieldControl(path, meta, view.values[sec]?.[key], noteFor(path), onInput);
          controls.set(path, c);
          grid.appendChild(c.root);
        }
      }
      card.appendChild(grid);
      form.appendChild(card);
    }
    // The baseline is what the fresh controls read back, so normalisation (lists, trims) never counts as a change.
    baseline = new Map([...controls].map(([path, c]) => [path, JSON.stringify(c.read().value)]));
    fileInfo.replaceChildren(
      ...(view.config_path
        ? [h('span', { class: 'muted' }, 'Config file '), h('code', {}, view.config_path)]
        : [h('span', { class: 'muted' }, 'No file yet — saving will create '), h('code', {}, view.save_path)]),
    );
    dirty = invalid = pending = false;
    showErrors([]);
    updateButtons();
    focusNow();
  }

  /** The changed fields as a patch, and the fields whose input cannot be read at all. */
  function collect(): { patch: SettingsPatch; local: FieldError[]; changed: boolean } {
    const patch: SettingsPatch = {};
    const local: FieldError[] = [];
    let changed = false;
    for (const [path, c] of controls) {
      const { value, problem } = c.read();
      if (JSON.stringify(value) === baseline.get(path)) continue;
      changed = true;
      if (problem) {
        local.push({ path, message: problem });
        continue;
      }
      if (path === 'model_mapping') patch['model_mapping'] = value as Record<string, unknown>;
      else {
        const [section, key] = path.split('.') as [string, string];
        (patch[section] ??= {})[key] = value;
      }
    }
    return { patch, local, changed };
  }

  function showErrors(errors: FieldError[]): void {
    const byPath = new Map<string, string[]>();
    const unplaced: string[] = [];
    for (const e of errors) {
      // Next to the field, "Invalid setting in <this file>:" is noise; other origins (environment) stay named.
      const short = e.message.replace(`Invalid setting in ${savePath}: `, '');
      if (controls.has(e.path)) byPath.set(e.path, [...(byPath.get(e.path) ?? []), short]);
      else unplaced.push(e.message);
    }
    for (const [path, c] of controls) c.setError(byPath.get(path)?.join(' ') ?? null);
    currentErrors = new Map([...byPath].map(([path, m]) => [path, m.join(' ')]));
    unplaced.forEach((m, i) => currentErrors.set(`:${i}`, m));
    general.hidden = unplaced.length === 0;
    general.replaceChildren(...unplaced.map((m) => h('p', {}, m)));
    invalid = errors.length > 0;
  }

  function onInput(): void {
    const { patch, local, changed } = collect();
    dirty = changed;
    pending = true;
    setMessage('');
    updateButtons();
    clearTimeout(timer);
    const mine = ++validation;
    timer = setTimeout(async () => {
      let errors: FieldError[];
      try {
        errors = await api.validateSettings(patch);
      } catch (err) {
        errors = [{ path: '', message: `Could not check the settings: ${(err as Error).message}` }];
      }
      if (mine !== validation) return; // a newer edit is being checked
      pending = false;
      showErrors([...local, ...errors.filter((e) => !local.some((l) => l.path === e.path))]);
      updateButtons();
    }, VALIDATE_DELAY_MS);
  }

  let loadFailed = false;
  async function load(): Promise<void> {
    try {
      build(await api.getSettings());
      if (loadFailed) setMessage(''); // the proxy is back: the old error no longer holds
      loadFailed = false;
    } catch (err) {
      loadFailed = true;
      setMessage(`Could not load the settings: ${(err as Error).message}`, 'error');
    }
  }
  // A status event comes with every (re)connect: a load that failed while ccproxy was away is tried again.
  api.on('status', (s) => {
    if (loadFailed && s.state === 'running' && !dirty && !saving) void load();
  });

  saveBtn.addEventListener('click', async () => {
    const { patch, local } = collect();
    if (local.length) showErrors(local);
    if (local.length || invalid) return showBlocker();
    saving = true;
    updateButtons();
    setMessage('Saving…');
    try {
      const result = await api.saveSettings(patch);
      if (result.ok) {
        build(result.view);
        const notInEffect = result.shadowed?.length ? ` · not in effect now (overridden): ${result.shadowed.map((x) => x.path).join(', ')}` : '';
        setMessage(`Saved to ${result.view.save_path}${result.restarted ? ' · the listener was restarted' : ''}${notInEffect}`, 'ok');
      } else {
        showErrors(result.errors);
        const onField = result.errors.some((e) => controls.has(e.path));
        // A refusal of the write itself (a read-only file) has no value to fix: say why next to Save, and
        // let the next click try again once the cause is gone instead of blocking it as an invalid form.
        if (!onField) invalid = false;
        setMessage(onField ? 'Not saved: fix the marked settings.' : `Not saved: ${result.errors[0]?.message ?? 'the file was not written.'}`, 'error');
      }
    } catch (err) {
      setMessage(`Not saved: ${(err as Error).message}`, 'error');
      toast(`Saving failed: ${(err as Error).message}`, 'error');
    } finally {
      saving = false;
      updateButtons();
    }
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!saveBtn.disabled) saveBtn.click();
  });

  revertBtn.addEventListener('click', async () => {
    await load();
    setMessage('Reverted to the saved settings.');
  });

  void load();
  return {
    root,
    show: () => {
      if (dirty || saving) return;
      setMessage('');
      void load();
    },
    focusField(path) {
      focusWanted = path;
      focusNow();
    },
    externalChange: (view) => {
      if (!dirty && !saving) build(view);
    },
  };
}
