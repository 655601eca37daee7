// Policy explainers are written in Markdown by staff and shown to the public as HTML (issue 6).
// marked turns the Markdown into HTML (raw HTML included, as Markdown allows), then sanitize-html
// keeps only an allow-list: no script, style, iframe, form, event-handler attributes or inline
// styles; links only to http, https, mailto or a local path; images only from this site (the
// site makes no third-party requests, DESIGN.md §4). Staff are trusted less than the allow-list:
// an account can be taken over, and these pages are public.
import { Marked } from 'marked';
import type sanitizeHtml from 'sanitize-html';
import { lazyRequire } from '../shared/lazy-require.js';

// ≈ 10 MB resident (postcss, htmlparser2): loaded with the first policy page, not at start.
const sanitizer = lazyRequire<typeof sanitizeHtml>('sanitize-html');

const marked = new Marked({ gfm: true, breaks: false, async: false });

/** A path on this site: one leading slash, not `//host` or `/\host`. */
function isLocalPath(url: string | undefined): boolean {
  return typeof url === 'string' && /^\/(?![/\\])/.test(url.trim());
}

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr',
    'ul', 'ol', 'li', 'dl', 'dt', 'dd',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'caption',
    'a', 'strong', 'em', 'b', 'i', 'del', 's', 'blockquote', 'code', 'pre', 'img',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    th: ['align', 'scope'],
    td: ['align'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // The page's own title is its h1: headings in the text start one level below.
  transformTags: {
    h1: 'h2',
    a: (tagName, attribs) => {
      const href = attribs.href ?? '';
      const external = /^https?:/i.test(href.trim());
      return { tagName, attribs: external ? { ...attribs, rel: 'noopener noreferrer nofollow' } : { ...attribs, rel: '' } };
    },
  },
  // Images from elsewhere would be a third-party request: dropped, with their alt text kept nowhere.
  exclusiveFilter: (frame) => frame.tag === 'img' && !isLocalPath(frame.attribs.src),
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'iframe', 'object', 'template'],
};

/** Markdown to safe HTML for the public page. */
export function renderMarkdown(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizer()(html, OPTIONS).replace(/ rel=""/g, '');
}

/** The text of a page without markup, for the search index and excerpts. */
export function plainText(markdown: string): string {
  return htmlText(renderMarkdown(markdown));
}

/** The text of HTML that renderMarkdown() made (when the page has it already: no second rendering). */
export function htmlText(html: string): string {
  // Block ends become line breaks, so that the last word of one cell or paragraph and the first of
  // the next never form a search bigram.
  const blocks = html.replace(/<\/(?:p|h[2-6]|li|dt|dd|th|td|caption|blockquote|pre)>/g, '$&\n');
  return sanitizer()(blocks, { allowedTags: [], allowedAttributes: {} })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/ ?\n[\n ]*/g, '\n')
    .trim();
}
