// Issue 19 item 15: <input type="date"> shows the browser's format (mm/dd/yyyy in an English
// browser), not the page's. Every date input names a visible format hint (格式：2026-12-07) in its
// aria-describedby, in the same template, and carries the page's language.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const VIEWS = path.resolve('views');
// Another engineer is rewriting the casework report and inbox views (issue 19 items 2, 13); their
// date inputs get the hint with that work.
const ELSEWHERE = ['reports/casework/'];

const templates = fs
  .readdirSync(VIEWS, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.hbs'))
  .map((f) => f.split(path.sep).join('/'))
  .filter((f) => !ELSEWHERE.some((p) => f.startsWith(p)))
  .filter((f) => fs.readFileSync(path.join(VIEWS, f), 'utf8').includes('type="date"'));

describe('date inputs', () => {
  it('are found', () => {
    expect(templates.length).toBeGreaterThanOrEqual(8);
  });

  it.each(templates)('%s: each names the format hint and carries the page language', (file) => {
    const html = fs.readFileSync(path.join(VIEWS, file), 'utf8');
    const inputs = html.match(/<input type="date"[^>]*>/g) ?? [];
    expect(inputs.length).toBeGreaterThan(0);
    for (const input of inputs) {
      expect(input, 'lang').toContain('lang="{{@root.htmlLang}}"');
      const id = /\sid="([^"]+)"/.exec(input)?.[1];
      expect(id, input).toBeDefined();
      expect(input).toMatch(new RegExp(`aria-describedby="[^"]*\\b${id}-format\\b`));
      expect(html).toContain(`<span class="hint" id="${id}-format">{{t "date_input.hint"}}</span>`);
    }
  });
});
