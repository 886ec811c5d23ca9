// The windowing's arithmetic and its keyed update plan (renderer/virtual-list.ts); the DOM side is covered in
// Chromium by test/e2e/windowing.test.ts.
import { describe, expect, it } from 'vitest';
import { planReconcile, windowRange } from '../../renderer/virtual-list.js';

describe('windowRange', () => {
  it('covers the rows in view plus the margin, clamped to the list', () => {
    // 30 px rows, a 300 px window at the top: rows 0-9 in view, 3 more below.
    expect(windowRange(0, 300, 0, 30, 1000, 3)).toEqual({ start: 0, end: 13 });
    // Scrolled to row 100 exactly.
    expect(windowRange(3000, 300, 0, 30, 1000, 3)).toEqual({ start: 97, end: 113 });
    // At the end.
    expect(windowRange(29_700, 300, 0, 30, 1000, 3)).toEqual({ start: 987, end: 1000 });
  });

  it('counts a header above the rows (offset) and a partly visible row', () => {
    // A 40 px table head: at scrollTop 40 the first row is at the top.
    expect(windowRange(40, 300, 40, 30, 1000, 0)).toEqual({ start: 0, end: 10 });
    expect(windowRange(55, 300, 40, 30, 1000, 0)).toEqual({ start: 0, end: 11 });
  });

  it('is empty for an empty list, and never past the end when scrolled beyond it', () => {
    expect(windowRange(0, 300, 0, 30, 0, 5)).toEqual({ start: 0, end: 0 });
    expect(windowRange(1e6, 300, 0, 30, 10, 2)).toEqual({ start: 10, end: 10 });
  });
});

describe('planReconcile', () => {
  it('keeps rows that stay, removes the ones that leave and inserts new ones in place', () => {
    // Three new rows on top, two old ones gone at the bottom (a live list scrolled at the top).
    const plan = planReconcile(['a', 'b', 'c', 'd'], ['x', 'y', 'a', 'b']);
    expect(plan.remove).toEqual(['c', 'd']);
    expect(plan.insert).toEqual([
      { key: 'x', before: 'a' },
      { key: 'y', before: 'a' },
    ]);
  });

  it('appends at the end (the log following new lines)', () => {
    const plan = planReconcile(['1', '2', '3'], ['2', '3', '4']);
    expect(plan.remove).toEqual(['1']);
    expect(plan.insert).toEqual([{ key: '4', before: null }]);
  });

  it('inserts between kept rows (a filter widened)', () => {
    expect(planReconcile(['a', 'c'], ['a', 'b', 'c'])).toEqual({ remove: [], insert: [{ key: 'b', before: 'c' }] });
  });

  it('starts over when the kept rows changed their order', () => {
    const plan = planReconcile(['a', 'b'], ['b', 'a']);
    expect(plan.remove).toEqual(['a', 'b']);
    expect(plan.insert).toEqual([
      { key: 'b', before: null },
      { key: 'a', before: null },
    ]);
  });
});
