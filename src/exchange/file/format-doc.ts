// The format description (docs/exchange-format.md) as an HTML page for staff, so the file page links
// to a URL rather than naming a repository path. The Markdown is the repository's own text (no user
// input), rendered once with marked, the renderer the project already uses.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';

// src/exchange/file and dist/exchange/file are both three levels below the repository root.
const DOC = fileURLToPath(new URL('../../../docs/exchange-format.md', import.meta.url));

let html: string | null = null;

/** The format description as HTML; null when the file is not shipped with this installation. */
export function formatDocHtml(): string | null {
  if (html === null && fs.existsSync(DOC)) html = new Marked({ gfm: true, async: false }).parse(fs.readFileSync(DOC, 'utf8')) as string;
  return html;
}
