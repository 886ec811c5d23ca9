// Saving one key rewrites the text range of that key's value only, so every other line of the file stays
// byte-identical (toml-patch re-aligns whitespace such as `port = 8314   # …` on untouched lines). Only the
// plain layout is handled here: `[section]` headers with one `key = value` per line. Anything else (dotted
// keys, inline tables, a value across lines) returns null and the caller falls back to toml-patch; the caller
// also checks that the new text parses to exactly the values asked for.
import { isDeepStrictEqual } from 'node:util';
import { parse as parseToml, stringify as stringifyToml } from 'smol-toml';
import type { Layer } from './layers.js';

const HEADER = /^\s*\[\s*([A-Za-z0-9_-]+|"[^"]*"|'[^']*')\s*\]\s*(#.*)?$/;
const ANY_HEADER = /^\s*\[/;
const KEY_VALUE = /^(\s*)([A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(\s*=\s*)(.*)$/;

const unquote = (k: string) => (k.startsWith('"') || k.startsWith("'") ? (parseToml(`k = ${k}`).k as string) : k);

/** TOML text of one value ("5", "\"info\"", "[\"a\", \"b\"]"). */
function renderValue(value: unknown): string {
  return stringifyToml({ v: value }).trim().replace(/^v\s*=\s*/, '');
}

/** The length of the value at the start of `rest` (a single line), or null when it does not end on this line. */
function valueLength(rest: string): number | null {
  const cuts = [...rest.matchAll(/#/g)].map((m) => m.index).concat(rest.length);
  for (const cut of cuts) {
    const candidate = rest.slice(0, cut).trimEnd();
    try {
      parseToml(`v = ${candidate}`);
      return candidate.length;
    } catch {
      // the '#' was inside a string; try the next one
    }
  }
  return null;
}

interface Lines {
  lines: string[];
  eol: string;
}

function sectionRange(doc: Lines, section: string): { header: number; end: number } | null {
  for (let i = 0; i < doc.lines.length; i++) {
    const m = HEADER.exec(doc.lines[i]!);
    if (!m || unquote(m[1]!) !== section) continue;
    let end = i + 1;
    while (end < doc.lines.length && !ANY_HEADER.test(doc.lines[end]!)) end++;
    return { header: i, end };
  }
  return null;
}

/** Sets (or, with undefined, removes) one key; false when the text's layout is not the plain one. */
function setKey(doc: Lines, section: string, key: string, value: unknown): boolean {
  const range = sectionRange(doc, section);
  if (!range) {
    if (value === undefined) return true;
    const last = doc.lines.length - 1;
    if (doc.lines[last] === '') doc.lines.splice(last, 1);
    doc.lines.push('', `[${section}]`, `${renderKey(key)} = ${renderValue(value)}`, '');
    return true;
  }
  let lastKeyLine = range.header;
  for (let i = range.header + 1; i < range.end; i++) {
    const m = KEY_VALUE.exec(doc.lines[i]!);
    if (!m) continue;
    lastKeyLine = i;
    if (unquote(m[2]!) !== key) continue;
    if (value === undefined) {
      doc.lines.splice(i, 1);
      return true;
    }
    const rest = m[4]!;
    const length = valueLength(rest);
    if (length === null) return false;
    doc.lines[i] = `${m[1]}${m[2]}${m[3]}${renderValue(value)}${rest.slice(length)}`;
    return true;
  }
  if (value !== undefined) doc.lines.splice(lastKeyLine + 1, 0, `${renderKey(key)} = ${renderValue(value)}`);
  return true;
}

const renderKey = (key: string) => (/^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key));

/**
 * `text` with `before`'s values changed to `after`'s, key by key, touching no other line; null when the
 * file's layout is not the plain one. Sections are tables of values (model_mapping's keys are model names).
 */
export function patchTextRanges(text: string, before: Layer, after: Layer): string | null {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const doc: Lines = { lines: text.split(eol), eol };
  for (const section of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[section] ?? {};
    const now = after[section] ?? {};
    if (typeof was !== 'object' || typeof now !== 'object' || Array.isArray(was) || Array.isArray(now)) return null;
    for (const key of new Set([...Object.keys(was), ...Object.keys(now)])) {
      if (isDeepStrictEqual(was[key], now[key])) continue;
      if (!setKey(doc, section, key, now[key])) return null;
    }
  }
  return doc.lines.join(eol);
}
