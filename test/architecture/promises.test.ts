// Issue 17: repositories became async; a promise the code forgets to await is a silent bug the
// compiler does not report. This test type-checks src/ and test/ and fails on each misuse that
// test/architecture/promises.ts describes, and shows it finds them in planted code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilerOptions, promiseMisuse } from './promises.js';

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('promise misuse (issue 17)', () => {
  it('finds none in src/ and test/', () => {
    const files = [...tsFiles(path.resolve('src')), ...tsFiles(path.resolve('test'))];
    expect(promiseMisuse(files, compilerOptions(path.resolve('tsconfig.json')))).toEqual([]);
  }, 120_000);

  it('finds each kind planted in a small file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-promises-'));
    const file = path.join(dir, 'planted.ts');
    fs.writeFileSync(
      file,
      [
        'async function save(): Promise<number> { return 1; }',
        'export async function run(ids: number[]) {',
        '  save();', // 3: floating
        '  void save();', // fine: deliberate
        '  await save();', // fine
        '  ids.filter(async (id) => id > 1);', // 6: predicate
        '  ids.forEach(async () => { await save(); });', // 7: loop
        '  ids.filter((id) => id > 1);', // fine
        '  return save();', // fine
        '}',
      ].join('\n'),
    );
    const found = promiseMisuse([file], { strict: true, noEmit: true }, () => true).map((f) => f.replace(/ .*planted\.ts/, ' planted.ts'));
    fs.rmSync(dir, { recursive: true, force: true });
    expect(found).toEqual(['floating-promise planted.ts:3', 'promise-in-loop planted.ts:7', 'promise-predicate planted.ts:6']);
  }, 60_000);
});
