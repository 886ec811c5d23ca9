#!/usr/bin/env node
// `npm run mutate`: breaks the code on purpose, one named break at a time (scripts/mutations.json), runs the
// tests that break names, and puts the file back. A break the tests do not notice "survived": a claim in the
// README with no test that guards it. Heavy (one vitest run per break); run it by hand, not in CI.
//   npm run mutate [-- --only name,name] [--check]     --check: only look the patterns up, run nothing
// The original text is kept in memory and in a journal in the temp dir: restored after each break, on Ctrl-C,
// on kill, and at the next start if this process died without restoring.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JOURNAL = path.join(os.tmpdir(), `ccproxy-mutate-${createHash('sha1').update(ROOT).digest('hex').slice(0, 10)}.json`);
const PER_BREAK_TIMEOUT_MS = 300_000;

const { values } = parseArgs({ options: { only: { type: 'string' }, check: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
if (values.help) {
  console.log('Usage: npm run mutate [-- --only name,name] [--check]');
  process.exit(0);
}

/** The file being broken right now and its original text, or null. */
let applied = null;
let child = null;

/** Ends vitest and its workers: it runs in a process group of its own. */
function killChild() {
  if (!child?.pid) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function restore() {
  if (!applied) return;
  fs.writeFileSync(applied.file, applied.original);
  applied = null;
  fs.rmSync(JOURNAL, { force: true });
}

// A run that died (kill -9, power) left a broken file: put it back before anything else.
if (fs.existsSync(JOURNAL)) {
  const left = JSON.parse(fs.readFileSync(JOURNAL, 'utf8'));
  fs.writeFileSync(left.file, left.original);
  fs.rmSync(JOURNAL, { force: true });
  console.log(`mutate: restored ${path.relative(ROOT, left.file)}, left broken by a run that did not finish`);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killChild();
    restore();
    console.log(`\nmutate: interrupted (${signal}); every file is restored`);
    process.exit(130);
  });
}
process.on('exit', restore);
process.on('uncaughtException', (err) => {
  restore();
  console.error(`mutate: ${err.stack ?? err}`);
  process.exit(1);
});

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

const count = (text, search) => text.split(search).length - 1;

/** The file that holds `search` exactly once: the named one, else the one file under main/ that does. */
function locate(m) {
  const named = path.join(ROOT, m.file);
  if (fs.existsSync(named)) {
    const n = count(fs.readFileSync(named, 'utf8'), m.search);
    if (n === 1) return { file: named };
    if (n > 1) return { problem: `pattern ambiguous: ${n} matches in ${m.file}` };
  }
  const hits = sourceFiles(path.join(ROOT, 'main')).filter((f) => count(fs.readFileSync(f, 'utf8'), m.search) > 0);
  if (hits.length === 1 && count(fs.readFileSync(hits[0], 'utf8'), m.search) === 1) return { file: hits[0], moved: true };
  if (hits.length === 0) return { problem: `pattern not found (looked in ${m.file} and under main/)` };
  return { problem: `pattern ambiguous: found in ${hits.map((f) => path.relative(ROOT, f)).join(', ')}` };
}

function runTests(tests) {
  return new Promise((resolve) => {
    const started = Date.now();
    const vitest = path.join(ROOT, 'node_modules/vitest/vitest.mjs');
    child = spawn(process.execPath, [vitest, 'run', ...tests, '--bail=1', '--reporter=dot'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(killChild, PER_BREAK_TIMEOUT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child = null;
      resolve({ code, signal, out, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const { mutations } = JSON.parse(fs.readFileSync(path.join(ROOT, 'scripts/mutations.json'), 'utf8'));
const only = values.only ? new Set(values.only.split(',')) : null;
const chosen = mutations.filter((m) => !only || only.has(m.name));
if (only) for (const name of only) if (!mutations.some((m) => m.name === name)) console.log(`mutate: no break named ${name}`);

const results = [];
for (const m of chosen) {
  const where = locate(m);
  if (where.problem) {
    results.push({ name: m.name, result: where.problem });
    console.log(`${m.name}: ${where.problem}`);
    continue;
  }
  const missing = m.tests.filter((t) => !fs.existsSync(path.join(ROOT, t)));
  if (missing.length) {
    results.push({ name: m.name, result: `test file not found: ${missing.join(', ')}` });
    console.log(`${m.name}: test file not found: ${missing.join(', ')}`);
    continue;
  }
  if (values.check) {
    results.push({ name: m.name, result: `found in ${path.relative(ROOT, where.file)}${where.moved ? ' (moved)' : ''}` });
    continue;
  }
  const original = fs.readFileSync(where.file, 'utf8');
  applied = { file: where.file, original };
  fs.writeFileSync(JOURNAL, JSON.stringify(applied));
  fs.writeFileSync(where.file, original.replace(m.search, () => m.replace));
  process.stdout.write(`${m.name} (${path.relative(ROOT, where.file)}): `);
  let run;
  try {
    run = await runTests(m.tests);
  } finally {
    restore();
  }
  const result = run.signal ? `timed out after ${run.seconds.toFixed(0)} s` : run.code === 0 ? 'SURVIVED' : 'caught';
  // eslint-disable-next-line no-control-regex
  const failed = [...run.out.replace(/\x1b\[[0-9;]*m/g, '').matchAll(/FAIL\s+(\S+\.test\.ts)/g)].map((x) => x[1]);
  results.push({ name: m.name, result, seconds: run.seconds, by: [...new Set(failed)].join(', ') });
  console.log(`${result} in ${run.seconds.toFixed(1)} s${failed.length ? ` by ${[...new Set(failed)].join(', ')}` : ''}`);
}

console.log('\n| break | result | caught by |');
console.log('|---|---|---|');
for (const r of results) console.log(`| ${r.name} | ${r.result} | ${r.by ?? ''} |`);
const caught = results.filter((r) => r.result === 'caught').length;
const survived = results.filter((r) => r.result === 'SURVIVED').length;
const other = results.length - caught - survived;
if (!values.check) console.log(`\nmutate: ${caught} caught, ${survived} survived, ${other} not run (pattern or test file missing, or timed out) of ${results.length}`);
process.exit(survived || (other && !values.check) ? 1 : 0);
