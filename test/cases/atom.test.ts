import { describe, expect, it } from 'vitest';
import { buildAtom, uuidV5, xmlEscape } from '../../src/cases/atom.js';
import { checkXml } from './xml.js';

describe('the Atom builder', () => {
  it('makes RFC 4122 version-5 UUIDs (the DNS-namespace example of the RFC errata / Python uuid5)', () => {
    expect(uuidV5('python.org', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('escapes markup and drops characters XML forbids', () => {
    expect(xmlEscape('a<b>&"\'\u0001')).toBe('a&lt;b&gt;&amp;&quot;&apos;');
  });

  it('is well-formed with hostile text', () => {
    const xml = buildAtom({
      baseUrl: 'https://example.org/',
      title: 'T & <x>',
      subtitle: 's',
      author: 'a',
      lang: 'zh-CN',
      entries: [{ id: 1, title: '</title><script>', text: ']]> & <b>', category: '优亲厚友', publishedAt: 0, updatedAt: 1000 }],
    });
    expect(checkXml(xml)).toBeNull();
    expect(xml).toContain('<link rel="alternate" type="text/html" href="https://example.org/cases/1"/>');
  });
});
