// The header's word on the request history: nothing while it is on; "History off: <reason>" when the store
// could not be opened (corrupt, locked, full disk, read-only), with "Reset history" to move a damaged file
// aside and start a new one (resetHistory; the file is never deleted, and only on this click).
import type { CcproxyApi, RuntimeStatus } from '../main/common/contract.js';
import { h, toast } from './dom.js';

export interface HistoryStatus {
  root: HTMLElement;
  update(s: RuntimeStatus): void;
}

/** Off by choice (the settings), not by damage: nothing to reset. A locked or read-only file is tried again. */
const BY_CHOICE = /^(turned off|no history file)/;

export function createHistoryStatus(api: CcproxyApi): HistoryStatus {
  const text = h('span', { class: 'history-off-text', id: 'history-off-text' });
  const reset = h('button', { type: 'button', class: 'btn btn-small', id: 'history-reset', hidden: true }, 'Reset history');
  const root = h('div', { class: 'history-off', id: 'history-status', role: 'status', hidden: true }, text, reset);

  function update(s: RuntimeStatus): void {
    const off = s.history !== undefined && s.history !== 'on';
    root.hidden = !off;
    if (!off) return;
    const reason = s.history!.replace(/^off:\s*/, '');
    text.textContent = `History off: ${reason}`;
    text.title = 'Requests are served as usual; they are not kept after a restart.';
    reset.hidden = BY_CHOICE.test(reason);
    reset.title = 'A damaged file is moved aside (never deleted) and a new one started; a locked or read-only one is tried again.';
  }

  reset.addEventListener('click', async () => {
    reset.disabled = true;
    try {
      const result = await api.resetHistory();
      toast(result.moved_to ? `The damaged history was moved aside to ${result.moved_to}; a new one is started.` : 'A new history is started.');
      update({ ...(await api.getStatus()), history: result.history });
    } catch (err) {
      toast(`Could not reset the history: ${(err as Error).message}`, 'error');
    } finally {
      reset.disabled = false;
    }
  });
  return { root, update };
}
