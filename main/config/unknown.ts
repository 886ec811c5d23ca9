// Names ccproxy does not read. A typo (`[pool_setting]`, `maxsize`) would otherwise be ignored in silence and the
// default would apply. In the file such a name is reported and kept (the file may come from a newer version);
// in a save it is refused, since writing it could never do what the user meant.
import type { UnknownSetting } from '../common/contract.js';
import { FIELDS } from './meta.js';
import { SECTION_SCHEMAS } from './schema.js';

/** Sections ccproxy reads: the managed ones, model_mapping and pricing (whose keys are free model names). */
export const KNOWN_SECTIONS: readonly string[] = [...Object.keys(SECTION_SCHEMAS), 'model_mapping', 'pricing'];
const FREE_KEYED = new Set(['model_mapping', 'pricing']);

const keysOf = (section: string): string[] =>
  Object.keys(FIELDS)
    .filter((p) => p.startsWith(`${section}.`))
    .map((p) => p.slice(section.length + 1));

/** Edit distance (insert, delete, replace, swap of two neighbours): a dozen short names, no library needed. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/** The known name closest to `name` (case, `-` for `_` and a few typos forgiven), or null when none is close. */
export function nearestName(name: string, known: readonly string[]): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/-/g, '_');
  let best: string | null = null;
  let bestScore = Infinity;
  for (const k of known) {
    const a = norm(name);
    const b = norm(k);
    const score = a === b ? 0 : a.replace(/_/g, '') === b.replace(/_/g, '') ? 0.5 : editDistance(a, b);
    if (score < bestScore) [best, bestScore] = [k, score];
  }
  // Close enough to be a typo: at most a third of the name wrong (and at least one edit allowed).
  return best !== null && bestScore <= Math.max(1, Math.floor(name.length / 3)) ? best : null;
}

function suggestion(nearest: string | null, known: readonly string[], what: string): string {
  return nearest ? `did you mean \`${nearest}\`?` : `the ${what} it reads are ${known.map((k) => `\`${k}\``).join(', ')}.`;
}

/** Every section and key of `layer` that ccproxy does not read, each with the nearest valid name. */
export function unknownSettings(layer: Record<string, unknown>): UnknownSetting[] {
  const out: UnknownSetting[] = [];
  for (const [section, values] of Object.entries(layer)) {
    if (!KNOWN_SECTIONS.includes(section)) {
      const nearest = nearestName(section, KNOWN_SECTIONS);
      const shown = values !== null && typeof values === 'object' && !Array.isArray(values) ? `[${section}]` : section;
      const what = shown.startsWith('[') ? 'a section' : 'a setting';
      out.push({
        path: section,
        nearest,
        message: `\`${shown}\` is not ${what} ccproxy reads; ${suggestion(nearest && (shown.startsWith('[') ? `[${nearest}]` : nearest), KNOWN_SECTIONS, 'sections')}`,
      });
      continue;
    }
    if (FREE_KEYED.has(section) || values === null || typeof values !== 'object' || Array.isArray(values)) continue;
    const known = keysOf(section);
    for (const key of Object.keys(values)) {
      if (known.includes(key)) continue;
      const nearest = nearestName(key, known);
      out.push({
        path: `${section}.${key}`,
        nearest: nearest && `${section}.${nearest}`,
        message: `\`${key}\` is not a setting of [${section}] that ccproxy reads; ${suggestion(nearest, known, `keys of [${section}]`)}`,
      });
    }
  }
  return out;
}

/** Prefixes of other programs' variables: never taken for a typo'd ccproxy setting, whatever follows. */
const OTHER_PROGRAMS = /^(ANTHROPIC|OPENAI|CLAUDE|NODE|NPM|ELECTRON|VITEST|XDG|GIT|SSH|LC|DBUS|GTK|QT|JAVA|PYTHON|CARGO|RUST|GO|DOCKER|AWS|AZURE|GOOGLE|GCP|CI|GITHUB|RUNNER)_/i;

/** Every environment name a setting is read from: SECTION__KEY in upper case. */
function envNames(): string[] {
  return Object.keys(FIELDS)
    .filter((p) => p.includes('.'))
    .map((p) => p.replace('.', '__').toUpperCase());
}

/**
 * Environment variables that look like a ccproxy setting (`__` between two parts, the first near a section name or
 * the second near a key) but are not one: the environment's counterpart of unknownSettings, so that
 * POOL_SETTING__MAX_SIZE=5 is reported instead of ignored. Only names are looked at, never values (they may be secrets).
 */
export function unknownEnvSettings(env: NodeJS.ProcessEnv): Array<{ name: string; nearest: string | null; message: string }> {
  const valid = new Set(envNames());
  const sections = KNOWN_SECTIONS.filter((s) => !FREE_KEYED.has(s));
  const allKeys = [...new Set(sections.flatMap(keysOf))];
  const out: Array<{ name: string; nearest: string | null; message: string }> = [];
  for (const name of Object.keys(env).sort()) {
    const upper = name.toUpperCase();
    if (valid.has(upper) || OTHER_PROGRAMS.test(name)) continue;
    const parts = name.toLowerCase().split('__');
    if (parts.length !== 2 || !parts[0] || !parts[1]) continue;
    const [first, second] = parts as [string, string];
    if (FREE_KEYED.has(first)) continue;
    if (nearestName(first, sections) === null && nearestName(second, allKeys) === null) continue;
    const nearest = nearestName(upper, [...valid]);
    out.push({
      name,
      nearest,
      message: `Environment variable ${name} is not a setting ccproxy reads (ignored); ${nearest ? `did you mean ${nearest}?` : 'settings are read from SECTION__KEY names such as POOL_SETTINGS__MAX_SIZE.'}`,
    });
  }
  return out;
}
