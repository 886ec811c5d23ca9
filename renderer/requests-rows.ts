// One row of the Requests table, built once per request and patched in place when its record changes (the
// end event after the start event): the element stays, so focus and a text selection inside it survive.
import type { RequestRecord } from '../main/common/contract.js';
import { fmt, h } from './dom.js';
import { connectionCell, modelText, statusBadge, statusKind, tokensText } from './requests-format.js';

/** Must match .request-row's height in requests.css: the windowing places rows by arithmetic. */
export const REQUEST_ROW_PX = 30;

interface Row {
  tr: HTMLTableRowElement;
  record: RequestRecord;
  cells: HTMLTableCellElement[];
}

/** The cells that can change after the start event, and how each is drawn. */
const LIVE_CELLS: Array<[index: number, draw: (r: RequestRecord) => Array<Node | string>]> = [
  [2, (r) => [modelText(r)]],
  [3, (r) => [statusBadge(r)]],
  [4, (r) => [r.duration_ms === null ? '…' : fmt.ms(r.duration_ms)]],
  [5, (r) => [fmt.ms(r.ttfb_ms)]],
  [6, (r) => connectionCell(r)],
  [7, (r) => [tokensText(r)]],
];

function liveKey(r: RequestRecord, i: number): string {
  switch (i) {
    case 2:
      return modelText(r);
    case 3:
      return `${r.status}|${r.error_type}|${r.duration_ms === null}`;
    case 4:
      return String(r.duration_ms);
    case 5:
      return String(r.ttfb_ms);
    case 6:
      return `${r.connection_id}|${r.connection_reused}`;
    default:
      return tokensText(r);
  }
}

export class RequestRows {
  private readonly rows = new Map<string, Row>();

  constructor(private readonly onOpen: (id: string) => void) {}

  /** The row for this record: built on first use, its changed cells redrawn after that. */
  get(r: RequestRecord, selected: boolean): HTMLTableRowElement {
    let row = this.rows.get(r.id);
    if (!row) row = this.build(r);
    else if (row.record !== r) this.patch(row, r);
    row.tr.classList.toggle('is-selected', selected);
    if (selected) row.tr.setAttribute('aria-selected', 'true');
    else row.tr.removeAttribute('aria-selected');
    return row.tr;
  }

  /** Rows of records no longer held are forgotten. */
  prune(keep: (id: string) => boolean): void {
    for (const id of this.rows.keys()) if (!keep(id)) this.rows.delete(id);
  }

  clear(): void {
    this.rows.clear();
  }

  private build(r: RequestRecord): Row {
    const open = h('button', { type: 'button', class: 'row-open', 'aria-label': `Details of ${r.method} ${r.path} at ${fmt.clock(r.started_at)}` }, h('code', {}, `${r.method} ${r.path}`));
    const cells = [
      h('td', {}, h('time', { datetime: r.started_at }, fmt.clock(r.started_at))),
      h('td', {}, open),
      h('td', { class: 'cell-model' }),
      h('td', {}),
      h('td', { class: 'num' }),
      h('td', { class: 'num' }),
      h('td', {}),
      h('td', { class: 'num' }),
    ];
    const tr = h('tr', { class: 'request-row', 'data-id': r.id }, ...cells);
    // The whole row opens the details; the button in it is the keyboard's way in. A click that ends a text
    // selection is the reader copying, not asking for the details.
    tr.addEventListener('click', () => {
      if (!window.getSelection()?.isCollapsed) return;
      this.onOpen(r.id);
    });
    const row: Row = { tr, record: r, cells };
    for (const [i, draw] of LIVE_CELLS) cells[i]!.replaceChildren(...draw(r));
    this.decorate(row, r);
    this.rows.set(r.id, row);
    return row;
  }

  private patch(row: Row, r: RequestRecord): void {
    for (const [i, draw] of LIVE_CELLS) if (liveKey(row.record, i) !== liveKey(r, i)) row.cells[i]!.replaceChildren(...draw(r));
    row.record = r;
    this.decorate(row, r);
  }

  private decorate(row: Row, r: RequestRecord): void {
    row.tr.dataset.kind = statusKind(r);
    row.cells[2]!.title = modelText(r);
  }
}
