// Second step of `npm run build` (after `tsc -p tsconfig.build.json`): copies the files under src/
// that the code reads at run time beside its own module (the locales, src/<feature>/locales/*.json,
// found through import.meta.url by src/i18n/translate.ts) into dist/, and removes what tsc or an
// earlier build left in dist/ for sources that no longer exist, so dist/ mirrors src/ exactly.
// views/, static/, migrations/ and data-source/ are top-level and are found from dist/ as from src/.
// Plain JavaScript so that it runs with node alone.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SRC = path.join(ROOT, 'src');
const DIST = path.join(ROOT, 'dist');

/** Source files that are not run-time assets: TypeScript (compiled by tsc), notes, build scripts. */
const notAsset = (name) => /\.(ts|mts|cts|md|mjs)$/.test(name);

function* files(dir, rel = '') {
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = path.join(rel, entry.name);
    if (entry.isDirectory()) yield* files(dir, r);
    else yield r;
  }
}

if (!fs.existsSync(path.join(DIST, 'server.js'))) {
  console.error('copy-assets: dist/server.js is missing; run `tsc -p tsconfig.build.json` first');
  process.exit(1);
}

let copied = 0;
for (const rel of files(SRC)) {
  if (notAsset(rel)) continue;
  const to = path.join(DIST, rel);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(path.join(SRC, rel), to);
  copied++;
}

// What dist/ may hold: the compiled .js of every .ts under src/, and the copied assets.
let removed = 0;
for (const rel of [...files(DIST)]) {
  const source = rel.endsWith('.js') ? path.join(SRC, rel.slice(0, -3) + '.ts') : path.join(SRC, rel);
  if (fs.existsSync(source) && (rel.endsWith('.js') || !notAsset(rel))) continue;
  fs.rmSync(path.join(DIST, rel));
  removed++;
}
/** Removes the directories left empty, deepest first. */
function pruneEmpty(rel) {
  for (const entry of fs.readdirSync(path.join(DIST, rel), { withFileTypes: true })) {
    if (entry.isDirectory()) pruneEmpty(path.join(rel, entry.name));
  }
  if (rel !== '' && fs.readdirSync(path.join(DIST, rel)).length === 0) fs.rmdirSync(path.join(DIST, rel));
}
pruneEmpty('');

console.log(`copy-assets: ${copied} asset files copied to dist/${removed ? `, ${removed} stale files removed` : ''}`);
