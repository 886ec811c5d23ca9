// The Requests view's history actions: export the filtered set (CSV or JSON Lines) and Clear, behind a
// confirm dialog. Export goes through exportRequests on either transport (IPC on the desktop, the admin API in
// a browser) and is saved with a download link, so the desktop and /ui behave alike; the HTTP export
// (GET /requests/export) streams sets larger than an API answer holds, and the toast says when that applies.
// The dialog is a native <dialog> opened with showModal(): the rest of the page is inert (focus stays inside),
// Escape cancels, and focus returns to the button that opened it.
import type { CcproxyApi, HistoryFilter } from '../main/common/contract.js';
import { h, toast } from './dom.js';

export interface RequestActions {
  root: HTMLElement;
  /** The dialog, placed by the view (anywhere in the page: showModal lifts it to the top layer). */
  dialog: HTMLDialogElement;
}

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, class: 'offscreen' });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function createRequestActions(api: CcproxyApi, filter: () => HistoryFilter, cleared: () => void): RequestActions {
  const exportSel = h('select', { id: 'req-export-format', 'aria-label': 'Export format' }, h('option', { value: 'csv' }, 'CSV'), h('option', { value: 'jsonl' }, 'JSON Lines'));
  const exportBtn = h('button', { type: 'button', class: 'btn', id: 'req-export' }, 'Export');
  const clearBtn = h('button', { type: 'button', class: 'btn btn-danger-ghost', id: 'req-clear' }, 'Clear…');

  const cancel = h('button', { type: 'button', class: 'btn', id: 'clear-cancel' }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'btn btn-danger', id: 'clear-confirm' }, 'Delete all requests');
  const dialog = h(
    'dialog',
    { class: 'confirm-dialog', id: 'clear-dialog', 'aria-labelledby': 'clear-dialog-title', 'aria-describedby': 'clear-dialog-text' },
    h('h2', { id: 'clear-dialog-title' }, 'Clear the request history?'),
    h('p', { id: 'clear-dialog-text' }, 'Every stored request, with its bodies, is deleted from the history file. Usage and cost figures for those days go too. This cannot be undone; export first to keep a copy.'),
    h('div', { class: 'dialog-actions' }, cancel, confirm),
  );

  exportBtn.addEventListener('click', async () => {
    const format = exportSel.value as 'csv' | 'jsonl';
    exportBtn.disabled = true;
    try {
      const result = await api.exportRequests({ format, ...filter() });
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      download(`ccproxy-requests-${stamp}.${format}`, result.text, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
      toast(result.truncated ? `Exported the newest ${result.records} requests; GET /requests/export streams all of them.` : `Exported ${result.records} requests.`);
    } catch (err) {
      toast(`Could not export: ${(err as Error).message}`, 'error');
    } finally {
      exportBtn.disabled = false;
    }
  });

  clearBtn.addEventListener('click', () => {
    dialog.showModal();
    cancel.focus(); // the safe choice first
  });
  cancel.addEventListener('click', () => dialog.close('cancel'));
  confirm.addEventListener('click', async () => {
    confirm.disabled = true;
    try {
      const result = await api.clearHistory();
      dialog.close('cleared');
      toast(`Deleted ${result.deleted} requests from the history.`);
      cleared();
    } catch (err) {
      toast(`Could not clear the history: ${(err as Error).message}`, 'error');
    } finally {
      confirm.disabled = false;
    }
  });
  // Tab wraps inside the dialog (showModal makes the page inert, but Tab would still leave for the browser's own bar).
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const first = cancel;
    const last = confirm;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  });
  // Escape fires `cancel` and closes a modal dialog by itself; focus goes back to the opener either way.
  dialog.addEventListener('close', () => clearBtn.focus());

  const root = h('div', { class: 'history-actions' }, exportSel, exportBtn, clearBtn);
  return { root, dialog };
}
