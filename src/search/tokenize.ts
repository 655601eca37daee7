/**
 * Tokenization for the Chinese full-text index (DESIGN.md §6, "Chinese search").
 *
 * SQLite's FTS5 tokenizers do not segment Chinese, so the text is tokenized here and stored
 * space-separated in an FTS5 table whose `unicode61` tokenizer then only splits on the spaces:
 *
 * - a run of CJK characters (Han, kana, Hangul, bopomofo) is indexed as its overlapping bigrams
 *   followed by its single characters: 申请低保 → `申请 请低 低保 申 请 低 保`. The bigrams of a
 *   run sit at consecutive positions, so a longer query word becomes an FTS5 phrase of bigrams
 *   (低保户 → "低保 保户") that matches only where those characters are adjacent. The single
 *   characters come after a run's bigrams, which also keeps the bigrams of two runs (split by
 *   punctuation or Latin text) from ever being adjacent;
 * - any other run of letters and digits is one lowercase word (matched by prefix at query time).
 *
 * Both sides are normalized the same way: NFKC (full-width letters and digits, half-width kana,
 * compatibility ideographs), lowercase, combining marks and default-ignorable characters
 * (zero-width spaces, soft hyphens, variation selectors) removed. Marks are removed rather than
 * kept because SQLite's Unicode tables treat many of them as separators.
 */

/** Characters of a document that are indexed; the rest is ignored. */
export const MAX_INDEX_CHARS = 100_000;
/** Characters of a query that are looked at. */
export const MAX_QUERY_CHARS = 256;
/** Terms of a query that are used; further terms are ignored (the result can only be wider). */
export const MAX_QUERY_TERMS = 16;
/** A longer Latin word is cut to this many characters, in documents and queries alike. */
export const MAX_WORD_CHARS = 64;

const CJK = /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Bopomofo}]/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const IGNORABLE = /[\p{M}\p{Default_Ignorable_Code_Point}]/gu;

interface Segment {
  cjk: boolean;
  /** Code points: a CJK run's characters, or a word as a single element. */
  chars: string[];
}

function normalize(text: string, maxChars: number): string {
  const capped = text.length > maxChars ? text.slice(0, maxChars) : text;
  const normalized = capped.normalize('NFKC').toLowerCase().replace(IGNORABLE, '');
  // NFKC can lengthen the text (ﷺ becomes 18 characters); a split surrogate pair is a separator.
  return normalized.length > maxChars ? normalized.slice(0, maxChars) : normalized;
}

/** Splits normalized text into CJK runs and words; everything else separates them. */
function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let current: Segment | null = null;
  let word = '';
  const flushWord = () => {
    if (current && !current.cjk) current.chars.push(capWord(word));
    word = '';
  };
  for (const ch of text) {
    if (!LETTER_OR_DIGIT.test(ch)) {
      flushWord();
      current = null;
      continue;
    }
    const cjk = CJK.test(ch);
    if (!current || current.cjk !== cjk) {
      flushWord();
      current = { cjk, chars: [] };
      out.push(current);
    }
    if (cjk) current.chars.push(ch);
    else word += ch;
  }
  flushWord();
  return out;
}

function capWord(word: string): string {
  if (word.length <= MAX_WORD_CHARS) return word;
  return Array.from(word).slice(0, MAX_WORD_CHARS).join('');
}

function bigrams(chars: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  return out;
}

/** The token string to store in the index's `body` column for a document's text. */
export function indexTokens(text: string): string {
  const out: string[] = [];
  for (const seg of segments(normalize(text, MAX_INDEX_CHARS))) {
    if (seg.cjk) for (const t of bigrams(seg.chars)) out.push(t);
    for (const t of seg.chars) out.push(t);
  }
  return out.join(' ');
}

/** One term of a query: all of a query's terms must match. */
export interface QueryTerm {
  /** The term as normalized, e.g. 低保户 or abc (for display or highlighting). */
  text: string;
  /** The index tokens it becomes, matched as a phrase (consecutive positions). */
  tokens: string[];
  /** Whether the last token matches as a prefix (Latin words and numbers). */
  prefix: boolean;
}

/**
 * A query's terms: each CJK run is one term (a single character, a bigram, or a phrase of
 * bigrams), each other word another (prefix-matched). Duplicates are dropped; at most
 * MAX_QUERY_TERMS are kept.
 */
export function queryTerms(input: string): QueryTerm[] {
  const out: QueryTerm[] = [];
  const seen = new Set<string>();
  for (const seg of segments(normalize(input, MAX_QUERY_CHARS))) {
    if (out.length >= MAX_QUERY_TERMS) break;
    const cjk = seg.cjk;
    const terms: QueryTerm[] = cjk
      ? [{ text: seg.chars.join(''), tokens: seg.chars.length === 1 ? seg.chars : bigrams(seg.chars), prefix: false }]
      : seg.chars.map((w) => ({ text: w, tokens: [w], prefix: true }));
    for (const term of terms) {
      const key = `${term.prefix ? '*' : ''}${term.tokens.join(' ')}`;
      if (seen.has(key) || out.length >= MAX_QUERY_TERMS) continue;
      seen.add(key);
      out.push(term);
    }
  }
  return out;
}

/** The normalized terms of a query (CJK runs and words), in order, without duplicates. */
export function queryTokens(input: string): string[] {
  return queryTerms(input).map((t) => t.text);
}
