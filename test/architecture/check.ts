// What a maintainer runs while moving code: the architecture violations and promise misuse of the
// files under the given path prefixes (all of src/ and test/ without arguments).
//
//   npx tsx test/architecture/check.ts src/ledger test/ledger
import fs from 'node:fs';
import path from 'node:path';
import { violations } from './rules.js';
import { compilerOptions, promiseMisuse } from './promises.js';

const prefixes = process.argv.slice(2).map((p) => p.replace(/\/$/, ''));
const mine = (file: string) => prefixes.length === 0 || prefixes.some((p) => file === p || file.startsWith(`${p}/`));
const list = (dir: string) =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative('.', path.join(e.parentPath, e.name)).split(path.sep).join('/'));
const src = list('src');
const sources = Object.fromEntries(src.map((f) => [f, fs.readFileSync(f, 'utf8')]));
const architecture = violations(sources).filter((v) => prefixes.length === 0 || v.key.split(/ -> | <-> | /).some((part) => mine(part) || prefixes.some((p) => p === `src/${part}`)));
const promises = promiseMisuse([...src, ...list('test')], compilerOptions(path.resolve('tsconfig.json')), mine);
for (const v of architecture) console.log(`${v.kind} ${v.key}`);
for (const p of promises) console.log(p);
console.log(`${architecture.length} architecture violations, ${promises.length} promise misuses`);
