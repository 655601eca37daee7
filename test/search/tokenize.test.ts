import { describe, expect, it } from 'vitest';
import {
  indexTokens,
  MAX_QUERY_TERMS,
  MAX_WORD_CHARS,
  queryTerms,
  queryTokens,
} from '../../src/search/tokenize.js';

describe('indexTokens', () => {
  it('indexes a CJK run as its bigrams followed by its characters', () => {
    expect(indexTokens('低保户')).toBe('低保 保户 低 保 户');
    expect(indexTokens('低')).toBe('低');
  });

  it('splits runs at punctuation and script changes, and lowercases Latin words', () => {
    expect(indexTokens('申请低保，两次！')).toBe('申请 请低 低保 申 请 低 保 两次 两 次');
    expect(indexTokens('张三是村Party书记ABC-12')).toBe('张三 三是 是村 张 三 是 村 party 书记 书 记 abc 12');
  });

  it('normalizes full-width forms and half-width kana (NFKC)', () => {
    expect(indexTokens('ＡＢＣ１２３　低保')).toBe('abc123 低保 低 保');
    expect(indexTokens('ｶﾀｶﾅ')).toBe(indexTokens('カタカナ'));
  });

  it('drops zero-width characters, variation selectors and combining marks inside runs', () => {
    expect(indexTokens('低\u200B保')).toBe('低保 低 保');
    expect(indexTokens('葛\u{E0100}城')).toBe('葛城 葛 城');
    expect(indexTokens('cafe\u0301')).toBe('café');
  });

  it('treats Hangul and kana like Chinese characters', () => {
    expect(indexTokens('서울시')).toBe('서울 울시 서 울 시');
    expect(indexTokens('ひらがな')).toBe('ひら らが がな ひ ら が な');
  });

  it('keeps no operator characters and caps long input', () => {
    expect(indexTokens('"a" * NEAR( b ) ^c -d + e:f')).toBe('a near b c d e f');
    const long = '低保'.repeat(200_000);
    const tokens = indexTokens(long).split(' ');
    expect(tokens.length).toBeLessThan(300_000);
    expect(indexTokens('x'.repeat(1000))).toBe('x'.repeat(MAX_WORD_CHARS));
  });

  it('returns an empty string for text with no letters or digits', () => {
    expect(indexTokens('')).toBe('');
    expect(indexTokens('，。！？ ---')).toBe('');
  });
});

describe('queryTerms / queryTokens', () => {
  it('makes one phrase term per CJK run and one prefix term per word', () => {
    expect(queryTerms('低保户 ABC')).toEqual([
      { text: '低保户', tokens: ['低保', '保户'], prefix: false },
      { text: 'abc', tokens: ['abc'], prefix: true },
    ]);
    expect(queryTerms('低')).toEqual([{ text: '低', tokens: ['低'], prefix: false }]);
    expect(queryTerms('低保')).toEqual([{ text: '低保', tokens: ['低保'], prefix: false }]);
  });

  it('normalizes, dedupes and caps the terms', () => {
    expect(queryTokens('２０２４年　低保，低保 Abc abc')).toEqual(['2024', '年', '低保', 'abc']);
    expect(queryTokens(Array.from({ length: 100 }, (_, i) => `w${i}`).join(' '))).toHaveLength(MAX_QUERY_TERMS);
    expect(queryTokens('')).toEqual([]);
    expect(queryTokens('"*^-()')).toEqual([]);
  });

  it('copes with very long input', () => {
    const terms = queryTerms('低'.repeat(1_000_000));
    expect(terms).toHaveLength(1);
    expect(terms[0]!.tokens.length).toBeLessThan(300);
  });
});
