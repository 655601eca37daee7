// A table wider than a phone scrolls inside its .table-wrap; a keyboard user can only scroll it
// when the wrapper takes focus, and a screen reader needs its name (WCAG 2.1.1, axe
// scrollable-region-focusable). The public pages' browser test found the ledger's summary table
// scrolling unreachable on a phone; this checks every template, so a new table cannot forget it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function templates(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templates(path.join(dir, e.name)) : e.name.endsWith('.hbs') ? [path.join(dir, e.name)] : []));
}

describe('scrolling tables', () => {
  it('are focusable regions with a name in every template', () => {
    const missing: string[] = [];
    for (const file of templates(path.resolve('views'))) {
      for (const tag of fs.readFileSync(file, 'utf8').match(/<div class="table-wrap"[^>]*>/g) ?? []) {
        if (!/tabindex="0"/.test(tag) || !/role="region"/.test(tag) || !/aria-label(ledby)?="/.test(tag)) missing.push(`${path.relative(process.cwd(), file)}: ${tag}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
