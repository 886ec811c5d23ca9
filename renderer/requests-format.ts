// How a request's status, model, connection and tokens read in the table and the detail pane: always words
// beside the colour, so a status is never told by colour alone.
import type { RequestRecord } from '../main/common/contract.js';
import { fmt, h } from './dom.js';
import { isError, isInFlight } from './requests-store.js';

export function statusText(r: RequestRecord): string {
  if (isInFlight(r)) return 'In flight';
  if (r.status === 0) return r.error_type === 'client_aborted' ? 'Aborted' : `No answer${r.error_type ? ` · ${r.error_type}` : ''}`;
  if (r.status < 400 && !r.error_type) return `${r.status} OK`;
  return `${r.status} ${r.error_type ?? 'error'}`;
}

export function statusKind(r: RequestRecord): 'pending' | 'ok' | 'warn' | 'err' {
  if (isInFlight(r)) return 'pending';
  if (!isError(r)) return 'ok';
  return r.status >= 400 && r.status < 500 ? 'warn' : 'err';
}

export function statusBadge(r: RequestRecord): HTMLElement {
  return h('span', { class: `badge st-${statusKind(r)}`, 'data-status': r.status }, statusText(r));
}

export function modelText(r: RequestRecord): string {
  if (r.mapped_model && r.mapped_model !== r.model) return `${r.model ?? '?'} → ${r.mapped_model}`;
  return r.model ?? '–';
}

export function connectionCell(r: RequestRecord): Array<HTMLElement | string> {
  if (!r.connection_id) return ['–'];
  const reused = r.connection_reused;
  return [h('code', {}, r.connection_id), ' ', h('span', { class: `conn-tag ${reused ? 'conn-reused' : 'conn-new'}` }, reused ? 'reused' : 'new')];
}

/** An answer cut off before its end (client gone, stream broken): its output count was never final. */
export const outputUnknown = (r: RequestRecord) => !isInFlight(r) && r.stop_reason === null && (r.status === 0 || r.error_type !== null);

export function tokensText(r: RequestRecord): string {
  if (!r.usage) return '–';
  return `${fmt.int(r.usage.input_tokens)} / ${outputUnknown(r) ? 'unknown' : fmt.int(r.usage.output_tokens)}`;
}
