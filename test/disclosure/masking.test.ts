import { describe, expect, it } from 'vitest';
import { COMPOUND_SURNAMES, maskName } from '../../src/disclosure/masking.js';

describe('maskName (DESIGN.md §5)', () => {
  it.each([
    ['张伟', '张*'],
    ['张明华', '张*华'],
    ['欧阳明', '欧阳*'],
    ['欧阳明华', '欧阳*华'],
    ['金美玉子', '金**子'],
  ])('design example %s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it.each([
    ['司马光', '司马*'],
    ['诸葛亮', '诸葛*'],
    ['上官婉儿', '上官*儿'],
    ['令狐冲', '令狐*'],
    ['端木蓉蓉', '端木*蓉'],
    ['澹台灭明', '澹台*明'],
    ['万俟卨', '万俟*'],
    ['呼延庆', '呼延*'],
    ['钟离春华', '钟离*华'],
    ['独孤求败', '独孤*败'],
    ['西门吹雪', '西门*雪'],
    ['南宫长万', '南宫*万'],
    ['歐陽修文', '歐陽*文'],
  ])('compound surname %s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });

  it('lists the common compound surnames of the brief', () => {
    for (const s of ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯',
      '令狐', '端木', '澹台', '申屠', '轩辕', '万俟', '西门', '南宫', '独孤', '呼延', '钟离']) {
      expect(COMPOUND_SURNAMES.has(s), s).toBe(true);
    }
  });

  it('reads a two-character name starting like a compound surname as surname + given name', () => {
    expect(maskName('欧阳')).toBe('欧*');
    expect(maskName('司马')).toBe('司*');
  });

  it('treats Korean-Chinese names in Han like Han names, and Hangul the same way', () => {
    expect(maskName('朴成浩')).toBe('朴*浩');
    expect(maskName('金哲')).toBe('金*');
    expect(maskName('김철수')).toBe('김*수');
    expect(maskName('남궁민수')).toBe('남궁*수');
    expect(maskName('황보영')).toBe('황보*');
  });

  it('drops whitespace, including full-width spaces typed for alignment', () => {
    expect(maskName(' 张  伟 ')).toBe('张*');
    expect(maskName('张\u3000明华')).toBe('张*华');
    expect(maskName('\t欧阳 明华\n')).toBe('欧阳*华');
  });

  it('masks dotted minority names by keeping the first and last character and the dots', () => {
    expect(maskName('阿依古丽·买买提')).toBe('阿***·**提');
    expect(maskName('阿依古丽.买买提')).toBe('阿***·**提');
    expect(maskName('阿依古丽 ・ 买买提')).toBe('阿***·**提');
    expect(maskName('买买提·艾力·吐尔逊')).toBe('买**·**·**逊');
    expect(maskName('阿·买')).toBe('阿·*');
    expect(maskName('·张伟')).toBe('张*');
  });

  it('handles single characters and empty input', () => {
    expect(maskName('张')).toBe('张*');
    expect(maskName('')).toBe('');
    expect(maskName('   ')).toBe('');
  });

  it('masks Latin names by keeping the first and last letter, without word boundaries', () => {
    expect(maskName('Zhang Wei')).toBe('Z******i');
    expect(maskName('Ｌｉ Ｎａ')).toBe('L**a');
    expect(maskName('Li')).toBe('L*');
    expect(maskName('A')).toBe('A*');
  });

  it('never returns a non-empty name unchanged', () => {
    for (const name of ['张伟', '张明华', '欧阳明华', '阿·买', 'Li', 'Ann', '김철수', '𠮷野家']) {
      expect(maskName(name)).not.toBe(name);
      expect(maskName(name)).toContain('*');
    }
  });
});
