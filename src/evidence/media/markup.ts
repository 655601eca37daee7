// A polyglot carries a page inside a file that passes as media. Browsers that sniff content look at
// the first bytes (IE read 256, the WHATWG sniffing algorithm up to 1445), so a tag there is enough
// to refuse the file even when the rest is a valid image: no real photo, recording or PDF starts so.

export const MARKUP_WINDOW_BYTES = 2048;

// XMP packets (`<x:xmpmeta`, `<rdf:…`, `<?xpacket`) legitimately appear here and match none of these.
const TAGS = [
  '<!doctype', '<html', '<head', '<body', '<script', '<iframe', '<frame', '<svg', '<object', '<embed',
  '<img', '<a href', '<title', '<table', '<pre', '<plaintext', '<style', '<link', '<form', '<?php',
];

export function looksLikeMarkup(head: Buffer): boolean {
  const text = head.subarray(0, MARKUP_WINDOW_BYTES).toString('latin1').toLowerCase();
  return TAGS.some((tag) => text.includes(tag));
}
