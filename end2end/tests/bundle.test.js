// The first-visit bundle: what a phone downloads before the first page responds to a tap
// (the main wasm and the JavaScript, gzip). The ceiling is today's size plus a little: a
// change that makes every first visit heavier fails here and has to make room first.
// The goal is 350 KB (docs/PERFORMANCE.md); lower the ceiling as the bundle shrinks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';

const CEILING_KB = 480;
const pkg = join(import.meta.dirname, '..', '..', 'target', 'site', 'pkg');

const gzipped = (file) => gzipSync(readFileSync(join(pkg, file)), { level: 9 }).length;

test('the first-visit bundle stays under its ceiling', () => {
  const files = readdirSync(pkg);
  const scripts = files.filter((f) => f.endsWith('.js'));
  assert.ok(files.includes('mitreden.wasm'), 'the release build is in target/site');
  const bytes = gzipped('mitreden.wasm') + scripts.reduce((sum, f) => sum + gzipped(f), 0);
  const kb = Math.round(bytes / 1024);
  console.log(`first visit: ${kb} KB gzip (ceiling ${CEILING_KB} KB, goal 350 KB)`);
  assert.ok(kb <= CEILING_KB, `the first-visit bundle is ${kb} KB gzip, over its ${CEILING_KB} KB ceiling`);
});

test('the pages staff use load apart from the first visit', () => {
  const manifest = JSON.parse(readFileSync(join(pkg, '__wasm_split_manifest.json'), 'utf8'));
  const routes = Object.keys(manifest).join(' ');
  for (const page of ['queue', 'ledger', 'procedure_editor', 'users', 'results_dashboard', 'onsite_import']) {
    assert.match(routes, new RegExp(`__${page}_route_view_`), `${page} is no longer a lazy route`);
  }
});
