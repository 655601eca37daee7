// Measures an uploaded .xlsx before exceljs loads it (issue 16, defect 2). exceljs builds the whole
// workbook in memory (≈ 600 bytes a cell), keeps every shared string, and expands some ranges into
// one object per cell (merged areas, named ranges); a 4.5 MB file can stand for millions of rows and
// exhaust the heap. So every entry is inflated here with a running byte cap (zip-guard.ts) and its
// XML scanned as it streams by, counting what exceljs would build, and the file is refused at the
// first limit passed. The scan counts every `<name` in every entry, whatever the entry is called,
// so a renamed or duplicated part cannot slip through; in comments it may overcount, never under.
import { BadZip, inflateEntry, listEntries, ZipLimit } from './zip-guard.js';

export interface XlsxLimits {
  /** Entries in the archive (Excel writes about a dozen). */
  entries: number;
  /** All entries inflated, in bytes. */
  unpackedBytes: number;
  /** XML elements in all entries: what exceljs's parser turns into objects. */
  elements: number;
  /** Rows in all sheets. */
  rows: number;
  /** Cells in all sheets, a row counted as wide as its last cell, plus merged and named areas. */
  cells: number;
  /** Entries of the shared-strings table, and its bytes: exceljs keeps all of it in memory. */
  sharedStrings: number;
  sharedStringBytes: number;
  /** Elements in the styles part. */
  styleElements: number;
}

/**
 * A roster is at most 20,000 rows of about ten columns (recipient-import.ts); these leave room for
 * title rows, notes and formatting, and bound what exceljs builds to about 250 MB at worst.
 */
export const XLSX_LIMITS: XlsxLimits = {
  entries: 256,
  unpackedBytes: 40 * 1024 * 1024,
  elements: 1_200_000,
  rows: 30_000,
  cells: 400_000,
  sharedStrings: 300_000,
  sharedStringBytes: 16 * 1024 * 1024,
  styleElements: 200_000,
};

export type XlsxLimit = 'entries' | 'unpacked' | 'elements' | 'rows' | 'cells' | 'shared_strings' | 'shared_string_bytes' | 'styles';
export type XlsxCheck = { ok: true } | { ok: false; limit: XlsxLimit | 'damaged'; params: Record<string, number> };

/** An open tag longer than this is no spreadsheet's (Excel's longest formulas are 8,192 characters). */
const MAX_TAG = 64 * 1024;
const MB = 1024 * 1024;
const RANGE = /\$?([A-Z]{1,3})\$?(\d{1,7}):\$?([A-Z]{1,3})\$?(\d{1,7})/g;
const EXCEL_COLUMNS = 16_384;

/** Column number of letters such as "XFD" (1-based), capped at Excel's last column. */
function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return Math.min(n, EXCEL_COLUMNS);
}

const ATTRIBUTES = new Map(['r', 'ref', 'name'].map((n) => [n, new RegExp(`\\s${n}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`)]));

function attr(tag: string, name: 'r' | 'ref' | 'name'): string | null {
  const m = ATTRIBUTES.get(name)!.exec(tag);
  return m ? (m[1] ?? m[2] ?? '') : null;
}

/** Cells in the ranges of a text such as `'名单'!$A$1:$H$200` or `A1:C3 E5:F9`, each with its top row. */
function rangeAreas(text: string): { area: number; top: number }[] {
  return [...text.matchAll(RANGE)].map((m) => {
    const [c1, r1, c2, r2] = [columnNumber(m[1]!), Number(m[2]), columnNumber(m[3]!), Number(m[4])];
    return { area: (Math.abs(r2 - r1) + 1) * (Math.abs(c2 - c1) + 1), top: Math.min(r1, r2) };
  });
}

/** Counts across the whole workbook; one Scanner per entry feeds them. */
class Counts {
  elements = 0;
  rows = 0;
  cells = 0;
  sharedStrings = 0;
  sharedStringBytes = 0;
  styleElements = 0;
  constructor(readonly limits: XlsxLimits) {}

  add(what: 'elements' | 'rows' | 'cells' | 'sharedStrings' | 'sharedStringBytes' | 'styleElements', n: number, row = 0): void {
    this[what] += n;
    if (this[what] <= this.limits[what]) return;
    const limit: Record<typeof what, XlsxLimit> = { elements: 'elements', rows: 'rows', cells: 'cells', sharedStrings: 'shared_strings', sharedStringBytes: 'shared_string_bytes', styleElements: 'styles' };
    const max = what === 'sharedStringBytes' ? this.limits[what] / MB : this.limits[what];
    throw new ZipLimit(limit[what], what === 'rows' || what === 'cells' ? { max, row } : { max });
  }
}

class Scanner {
  private carry = '';
  private root: string | null = null;
  private first = true;
  private row = 0;
  private lastColumn = 0;
  /** The text of an open <definedName>, and whether it is a print area (exceljs does not expand those). */
  private nameText: string | null = null;
  private namePrint = false;

  constructor(private readonly counts: Counts) {}

  feed(chunk: Buffer): void {
    if (this.first) {
      this.first = false;
      // UTF-16 XML would hide every tag from this byte scan; no spreadsheet program writes it.
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff) || (chunk[0] === 0x3c && chunk[1] === 0x00)) throw new BadZip('UTF-16 part');
    }
    if (this.root === 'sst') this.counts.add('sharedStringBytes', chunk.length);
    // latin1 maps bytes one to one; '<' and '>' never occur inside a UTF-8 multi-byte sequence.
    const text = this.carry + chunk.toString('latin1');
    let at = 0;
    for (;;) {
      const lt = text.indexOf('<', at);
      if (lt < 0) {
        this.text(text.slice(at));
        this.carry = '';
        return;
      }
      if (lt > at) this.text(text.slice(at, lt));
      const gt = text.indexOf('>', lt);
      if (gt < 0) {
        this.carry = text.slice(lt);
        if (this.carry.length > MAX_TAG) throw new BadZip('tag too long');
        return;
      }
      this.tag(text.slice(lt + 1, gt));
      at = gt + 1;
    }
  }

  private text(s: string): void {
    if (this.nameText === null) return;
    this.nameText += s;
    if (this.nameText.length > MAX_TAG) throw new BadZip('defined name too long');
  }

  private tag(body: string): void {
    const c0 = body.charCodeAt(0);
    if (c0 === 0x2f /* / */) {
      if (/^\/(?:[\w.-]+:)?definedName\s*$/.test(body)) this.endDefinedName();
      return;
    }
    if (c0 === 0x21 /* ! */ || c0 === 0x3f /* ? */) {
      // A DTD could define entities that expand without bound; OOXML parts never carry one.
      if (/^!(?:DOCTYPE|ENTITY)/i.test(body)) throw new BadZip('DTD in a part');
      return;
    }
    const name = /^[^\s/>]+/.exec(body)?.[0];
    if (!name) return;
    const local = name.slice(name.indexOf(':') + 1);
    const counts = this.counts;
    counts.add('elements', 1, this.row);
    if (this.root === null) this.root = local;
    if (this.root === 'styleSheet') counts.add('styleElements', 1);
    switch (local) {
      case 'row': {
        const r = Number(attr(body, 'r'));
        this.row = Number.isInteger(r) && r > 0 ? r : this.row + 1;
        this.lastColumn = 0;
        counts.add('rows', 1, this.row);
        break;
      }
      case 'c': {
        // The reader makes each row an array as long as its last cell: a lone cell in column XFD costs 16,384.
        const letters = /^([A-Z]{1,3})\d/.exec(attr(body, 'r') ?? '')?.[1];
        const column = letters ? columnNumber(letters) : this.lastColumn + 1;
        counts.add('cells', column > this.lastColumn ? column - this.lastColumn : 1, this.row);
        this.lastColumn = Math.max(this.lastColumn, column);
        break;
      }
      case 'si':
        if (this.root === 'sst') counts.add('sharedStrings', 1);
        break;
      case 'comment': {
        // exceljs gives each note a cell of its own, wherever it points.
        const at = /^[A-Z]{1,3}(\d+)/.exec(attr(body, 'ref') ?? '');
        counts.add('cells', 1, at ? Number(at[1]) : 0);
        break;
      }
      case 'mergeCell':
        // exceljs creates every cell of a merged area.
        for (const { area, top } of rangeAreas(attr(body, 'ref') ?? '')) counts.add('cells', area, top);
        break;
      case 'definedName':
        if (!body.endsWith('/')) {
          this.nameText = '';
          this.namePrint = (attr(body, 'name') ?? '').startsWith('_xlnm.Print_');
        }
        break;
    }
  }

  /** exceljs expands a named range (other than a print area or titles) into one entry per cell. */
  private endDefinedName(): void {
    const text = this.nameText ?? '';
    this.nameText = null;
    if (this.namePrint) return;
    for (const { area, top } of rangeAreas(text)) this.counts.add('cells', area, top);
  }
}

/** Whether exceljs may load `bytes`, inflating nothing into memory to find out. */
export async function checkXlsx(bytes: Uint8Array, limits: XlsxLimits = XLSX_LIMITS): Promise<XlsxCheck> {
  try {
    const entries = listEntries(bytes, limits.entries);
    const counts = new Counts(limits);
    let unpacked = 0;
    for (const entry of entries) {
      const scanner = new Scanner(counts);
      const overflow = () => new ZipLimit('unpacked', { max: limits.unpackedBytes / MB });
      unpacked += await inflateEntry(bytes, entry, limits.unpackedBytes - unpacked, overflow, (chunk) => scanner.feed(chunk));
    }
    return { ok: true };
  } catch (err) {
    if (err instanceof ZipLimit) return { ok: false, limit: err.limit as XlsxLimit, params: err.params };
    if (err instanceof BadZip) return { ok: false, limit: 'damaged', params: {} };
    throw err;
  }
}
