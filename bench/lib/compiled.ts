// For comparison only: the same server compiled ahead of time with the project's TypeScript
// (`tsc`, tsconfig.json's options, src/ only) into a temporary directory, run as plain `node
// dist/src/server.js`, to show what start-up and idle memory are without transpiling at start.
// Locale JSON files are copied beside the output; views, static, migrations, data-source and
// node_modules are linked, so the relative paths the code uses resolve as they do from src/.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './proc.js';

const run = promisify(execFile);

function copyNonTs(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (entry.isDirectory()) copyNonTs(src, dst);
    else if (!entry.name.endsWith('.ts')) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(src, dst);
    }
  }
}

/** Builds and returns the entry file (…/src/server.js) and the directory to delete afterwards. */
export async function buildCompiled(): Promise<{ entry: string; dir: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-bench-dist-'));
  const out = path.join(dir, 'out');
  const configDir = path.join(ROOT, 'bench', 'tmp');
  fs.mkdirSync(configDir, { recursive: true });
  const config = path.join(configDir, 'tsconfig.compiled.json');
  fs.writeFileSync(config, JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: false, outDir: out, rootDir: '../..', sourceMap: false }, include: ['../../src'] }, null, 2));
  try {
    await run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { cwd: ROOT, timeout: 120_000 });
  } catch (err) {
    // Type errors (others may be editing src/ right now) do not stop the emit; a missing entry does.
    if (!fs.existsSync(path.join(out, 'src', 'server.js'))) throw err;
  }
  copyNonTs(path.join(ROOT, 'src'), path.join(out, 'src'));
  for (const name of ['views', 'static', 'migrations', 'data-source', 'node_modules', 'package.json']) fs.symlinkSync(path.join(ROOT, name), path.join(out, name));
  return { entry: path.join(out, 'src', 'server.js'), dir };
}
