// An Atom 1.0 feed (RFC 4287) of published typical cases. Ids are name-based UUIDs (RFC 4122
// version 5, URL namespace) of each entry's absolute URL, so they stay the same across restarts
// and reseeds as long as BASE_URL does, and are valid URIs whatever the host (an IP address or a
// port would not be a valid tag: URI authority).
import crypto from 'node:crypto';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
const URL_NAMESPACE = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

export function uuidV5(name: string, namespace = URL_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = crypto.createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Text for XML character data and attribute values: escaped, and without characters XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export interface FeedEntry {
  id: number;
  title: string;
  /** Plain text; sent as content type="text". */
  text: string;
  /** Category label, for atom:category. */
  category: string;
  publishedAt: number;
  updatedAt: number;
}

export interface Feed {
  baseUrl: string;
  title: string;
  subtitle: string;
  author: string;
  lang: string;
  entries: FeedEntry[];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function buildAtom(feed: Feed): string {
  const base = feed.baseUrl.replace(/\/+$/, '');
  const listUrl = `${base}/cases`;
  // The newest change among the entries; a feed with none says when this list began (a fixed date).
  const updated = feed.entries.reduce((max, e) => Math.max(max, e.updatedAt, e.publishedAt), Date.UTC(2026, 0, 1));
  const entries = feed.entries.map((e) => {
    const url = `${base}/cases/${e.id}`;
    return [
      '  <entry>',
      `    <id>urn:uuid:${uuidV5(url)}</id>`,
      `    <title type="text">${xmlEscape(e.title)}</title>`,
      `    <link rel="alternate" type="text/html" href="${xmlEscape(url)}"/>`,
      `    <published>${iso(e.publishedAt)}</published>`,
      `    <updated>${iso(Math.max(e.updatedAt, e.publishedAt))}</updated>`,
      `    <category term="${xmlEscape(e.category)}"/>`,
      `    <content type="text">${xmlEscape(e.text)}</content>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="${ATOM_NS}" xml:lang="${xmlEscape(feed.lang)}">`,
    `  <id>urn:uuid:${uuidV5(listUrl)}</id>`,
    `  <title type="text">${xmlEscape(feed.title)}</title>`,
    `  <subtitle type="text">${xmlEscape(feed.subtitle)}</subtitle>`,
    `  <updated>${iso(updated)}</updated>`,
    `  <author><name>${xmlEscape(feed.author)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${xmlEscape(`${base}/cases.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlEscape(listUrl)}"/>`,
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}
