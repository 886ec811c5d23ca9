// Windowing for the Requests table and the Logs list: only the rows in view (plus a small margin) are in the
// DOM, between two spacers that keep the scrollbar honest. Rows have one fixed height, so where a row sits is
// arithmetic and nothing is measured per row; all DOM work happens in one animation frame, reads first.
//
// Hand-written rather than @tanstack/virtual-core (framework-free and well kept, but not installed here): the
// part this app needs is fixed-height windowing over a <tbody> or <ol> that keeps existing row elements in place
// (so focus and a text selection inside a row survive updates), which is the ~100 lines below.

export interface WindowRange {
  start: number;
  end: number;
}

/** Rows [start, end) that intersect the viewport, widened by `overscan` rows each side. Pure, unit-tested. */
export function windowRange(scrollTop: number, viewport: number, offset: number, rowHeight: number, count: number, overscan: number): WindowRange {
  if (count <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop - offset);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewport)) / rowHeight);
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.max(start, Math.min(count, last + overscan));
  return { start, end };
}

/**
 * How to go from the keys on screen to the keys wanted, touching as little as possible: which to remove, and
 * for each wanted key that is not kept in place, the key it goes before (null: at the end). Kept keys never
 * move, so their elements are never detached. Pure, unit-tested.
 */
export function planReconcile(current: readonly string[], wanted: readonly string[]): { remove: string[]; insert: Array<{ key: string; before: string | null }> } {
  const want = new Set(wanted);
  let kept = current.filter((k) => want.has(k));
  // The lists here only grow at the ends or lose rows, so kept keys are in the wanted order; if not, start over.
  const order = wanted.filter((k) => kept.includes(k));
  const inOrder = order.length === kept.length && order.every((k, i) => k === kept[i]);
  if (!inOrder) kept = [];
  const keptSet = new Set(kept);
  const remove = current.filter((k) => !keptSet.has(k));
  const insert: Array<{ key: string; before: string | null }> = [];
  let ki = 0;
  for (const key of wanted) {
    if (ki < kept.length && kept[ki] === key) {
      ki++;
      continue;
    }
    insert.push({ key, before: kept[ki] ?? null });
  }
  return { remove, insert };
}

export interface VirtualListOptions {
  /** The element that scrolls. */
  scroller: HTMLElement;
  /** Where the rows go (a <tbody> or an <ol>); its first and last children are the spacers. */
  body: HTMLElement;
  rowHeight: number;
  overscan?: number;
  /** A spacer element for `body` (a <tr><td> or an <li>). */
  spacer(): HTMLElement;
  key(index: number): string;
  /** The element for row `index`: the same element for the same key while its content is the same. */
  render(index: number): HTMLElement;
  /** Told after each frame that changed the DOM (counts, empty notes). */
  afterRender?(range: WindowRange): void;
}

export class VirtualList {
  private count = 0;
  private readonly top: HTMLElement;
  private readonly bottom: HTMLElement;
  private readonly shown = new Map<string, HTMLElement>();
  private frame = 0;
  private active = false;
  private stickToEnd = false;
  private pendingScroll: number | null = null;
  /** Distance from the scroller's content top to the first row (a table head above it), read once per resize. */
  private offset = -1;
  private viewport = 0;
  range: WindowRange = { start: 0, end: 0 };
  /** The first row at least partly in view at the last frame. */
  firstVisible = 0;

  constructor(private readonly o: VirtualListOptions) {
    this.top = o.spacer();
    this.bottom = o.spacer();
    this.top.classList.add('vl-spacer');
    this.bottom.classList.add('vl-spacer');
    o.body.replaceChildren(this.top, this.bottom);
    o.scroller.addEventListener('scroll', () => this.schedule(), { passive: true });
    new ResizeObserver(() => {
      this.offset = -1;
      this.schedule();
    }).observe(o.scroller);
  }

  get rowHeight(): number {
    return this.o.rowHeight;
  }

  /** The number of rows changed (or their content): redrawn in the next frame, if on screen. */
  setCount(count: number): void {
    this.count = count;
    this.schedule();
  }

  /** On screen or not: off screen nothing is drawn; shown again, it catches up in one frame. */
  setActive(active: boolean): void {
    this.active = active;
    if (active) {
      this.offset = -1;
      this.schedule();
    }
  }

  /** Keep the last row in view (the log following new lines); applied once per frame, without reading the layout. */
  followEnd(on: boolean): void {
    this.stickToEnd = on;
    if (on) this.schedule();
  }

  /** Scrolls by whole rows (rows removed or added above the reader), in the next frame. */
  shiftRows(rows: number): void {
    if (!rows) return;
    this.pendingScroll = (this.pendingScroll ?? this.o.scroller.scrollTop) + rows * this.o.rowHeight;
    this.schedule();
  }

  scrollToTop(): void {
    this.pendingScroll = 0;
    this.schedule();
  }

  /** Forgets the rendered elements (a filter changed: every key may stand for another element). */
  reset(): void {
    for (const el of this.shown.values()) el.remove();
    this.shown.clear();
    this.schedule();
  }

  /** Draws now what a frame would draw (the caller is in an animation frame already): one frame sooner. */
  flush(): void {
    if (!this.active) return;
    if (this.frame) cancelAnimationFrame(this.frame);
    this.update();
  }

  private schedule(): void {
    if (!this.frame && this.active) this.frame = requestAnimationFrame(() => this.update());
  }

  private update(): void {
    this.frame = 0;
    if (!this.active) return;
    const { scroller, body, rowHeight } = this.o;
    // Reads first (one layout at most), then writes.
    if (this.offset < 0) {
      // From the boxes: a <tbody>'s offsetParent is its table, not the scroller.
      this.offset = body.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
      this.viewport = scroller.clientHeight;
    }
    const total = this.count * rowHeight;
    let scrollTop = this.pendingScroll ?? scroller.scrollTop;
    if (this.stickToEnd) scrollTop = Math.max(0, this.offset + total - this.viewport);
    const range = windowRange(scrollTop, this.viewport, this.offset, rowHeight, this.count, this.o.overscan ?? 8);
    this.range = range;
    this.firstVisible = Math.floor(Math.max(0, scrollTop - this.offset) / rowHeight);

    const wanted: string[] = [];
    const elements = new Map<string, HTMLElement>();
    for (let i = range.start; i < range.end; i++) {
      const key = this.o.key(i);
      wanted.push(key);
      elements.set(key, this.o.render(i));
    }
    const plan = planReconcile([...this.shown.keys()], wanted);
    for (const key of plan.remove) {
      this.shown.get(key)!.remove();
      this.shown.delete(key);
    }
    // A kept key whose element was replaced (its content changed) is swapped in place.
    for (const [key, el] of this.shown) {
      const next = elements.get(key)!;
      if (next !== el) {
        el.replaceWith(next);
        this.shown.set(key, next);
      }
    }
    for (const { key, before } of plan.insert) {
      const el = elements.get(key)!;
      body.insertBefore(el, before ? this.shown.get(before)! : this.bottom);
    }
    // Rebuild the map in DOM order (inserted keys included).
    const ordered = new Map<string, HTMLElement>();
    for (const key of wanted) ordered.set(key, elements.get(key)!);
    this.shown.clear();
    for (const [k, v] of ordered) this.shown.set(k, v);

    this.top.style.height = `${range.start * rowHeight}px`;
    this.bottom.style.height = `${(this.count - range.end) * rowHeight}px`;
    // Following the end: a value past it, which the browser clamps, so the real height is never read.
    if (this.stickToEnd) scroller.scrollTop = scrollTop + this.viewport;
    else if (this.pendingScroll !== null) scroller.scrollTop = scrollTop;
    this.pendingScroll = null;
    this.o.afterRender?.(range);
  }
}
