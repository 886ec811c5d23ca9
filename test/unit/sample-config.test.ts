// The sample config in examples/ stays valid and documents every setting the schema has.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { loadConfig } from '../../main/config/load.js';
import { FIELDS } from '../../main/config/meta.js';

it('examples/.ccproxy.toml loads without warnings and names every key', () => {
  const file = path.resolve(import.meta.dirname, '../../examples/.ccproxy.toml');
  const loaded = loadConfig({ configPath: file, env: {}, home: os.tmpdir() });
  expect(loaded.warnings).toEqual([]);
  const text = fs.readFileSync(file, 'utf8');
  for (const key of Object.keys(FIELDS)) {
    const name = key.split('.').at(-1)!;
    expect(text, key).toMatch(new RegExp(`^#?\\s*(\\[${name}\\]|${name}\\s*=)`, 'm'));
  }
});

it('the README documents every setting', () => {
  const readme = fs.readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
  for (const key of Object.keys(FIELDS)) expect(readme, key).toContain(`\`${key}\``);
});
