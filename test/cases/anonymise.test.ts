import { describe, expect, it } from 'vitest';
import { personalDataIn, sanctionSentence, subjectPhrase, surnameOnly, villageVariants } from '../../src/cases/anonymise.js';
import { currentQuarter, quarterLabelZh, recentQuarters } from '../../src/cases/quarter.js';
import type { PlaceChain } from '../../src/regions/index.js';

const region = (code: string, name: string, level: string) => ({ code, name, level }) as NonNullable<PlaceChain['township']>;
const chain: PlaceChain = { prefecture: region('220100', '长春市', 'prefecture'), county: region('220112', '双阳区', 'county'), township: region('220112102', '鹿乡镇', 'township') };

describe('surnameOnly', () => {
  it('keeps the surname, compound ones included', () => {
    expect(surnameOnly('王德福')).toBe('王');
    expect(surnameOnly('张伟')).toBe('张');
    expect(surnameOnly('欧阳明华')).toBe('欧阳');
    expect(surnameOnly('欧阳明')).toBe('欧阳');
    expect(surnameOnly('司马 光')).toBe('司马');
    expect(surnameOnly('金美玉子')).toBe('金');
    expect(surnameOnly('阿依古丽·买买提')).toBe('阿');
    expect(surnameOnly('  ')).toBe('');
  });
});

describe('subjectPhrase', () => {
  it('says surname + position, with the place down to the township and never the village', () => {
    expect(subjectPhrase(chain, 'village_cadre', '王德福')).toBe('长春市双阳区鹿乡镇某村村干部王某');
    expect(subjectPhrase(chain, 'township_assistant', '欧阳明华')).toBe('长春市双阳区鹿乡镇民政助理欧阳某');
    expect(subjectPhrase(chain, 'county_bureau_staff', '李强')).toBe('长春市双阳区民政局工作人员李某');
    expect(subjectPhrase(chain, 'city_bureau_staff', '李强')).toBe('长春市民政局工作人员李某');
    expect(subjectPhrase(chain, 'village_cadre', null)).toBe('长春市双阳区鹿乡镇某村村干部');
  });
});

describe('sanctionSentence', () => {
  it('states the sanction in general words and never the inspector’s free text', () => {
    expect(sanctionSentence({ resultKind: 'party', resultDetail: '警告' }, '王某')).toBe('王某受到党内警告处分。');
    expect(sanctionSentence({ resultKind: 'party', resultDetail: '留党察看' }, '王某')).toBe('王某受到留党察看处分。');
    // The codes the referral workflow records.
    expect(sanctionSentence({ resultKind: 'party', resultDetail: 'serious_warning' }, '王某')).toBe('王某受到党内严重警告处分。');
    expect(sanctionSentence({ resultKind: 'party', resultDetail: 'removal_from_post' }, '王某')).toBe('王某受到撤销党内职务处分。');
    expect(sanctionSentence({ resultKind: 'administrative', resultDetail: 'dismissal_from_post' }, '王某')).toBe('王某受到政务撤职处分。');
    expect(sanctionSentence({ resultKind: 'organisational', resultDetail: 'handling' }, '王某')).toBe('王某受到组织处理。');
    expect(sanctionSentence({ resultKind: 'judicial', resultDetail: 'transfer' }, '王某')).toBe('王某涉嫌犯罪问题已移送司法机关依法处理。');
    expect(sanctionSentence({ resultKind: 'administrative', resultDetail: 'demerit' }, '王某')).toBe('王某受到政务记过处分。');
    expect(sanctionSentence({ resultKind: 'organisational', resultDetail: '诫勉谈话' }, '')).toBe('相关责任人受到组织处理（诫勉谈话）。');
    expect(sanctionSentence({ resultKind: 'party', resultDetail: '经查王德福于2025年收受…' }, '王某')).toBe('王某受到党纪处分。');
    expect(sanctionSentence({ resultKind: 'none', resultDetail: null }, '王某')).toBe('');
  });
});

describe('personalDataIn', () => {
  it('finds ID-like numbers, however they are typed', () => {
    expect(personalDataIn('身份证号220112198001011234。')).toEqual(['id_number']);
    expect(personalDataIn('身份证号 22011219800101123X')).toEqual(['id_number']);
    expect(personalDataIn('220112 19800101 1234')).toEqual(['id_number']);
    expect(personalDataIn('２２０１１２１９８００１０１１２３４')).toEqual(['id_number']);
    expect(personalDataIn('卡号6222021234567890123')).toEqual(['id_number']);
  });

  it('finds mobile numbers with or without +86, spaces or dashes', () => {
    expect(personalDataIn('联系电话13812345678')).toEqual(['mobile']);
    expect(personalDataIn('电话 138-1234-5678')).toEqual(['mobile']);
    expect(personalDataIn('+86 139 1234 5678')).toEqual(['mobile']);
  });

  it('finds the full name, the village and placeholders', () => {
    const ctx = { names: ['王德福'], villages: ['丁家村委会'] };
    expect(personalDataIn('村干部王德福违规', ctx)).toEqual(['full_name']);
    expect(personalDataIn('鹿乡镇丁家村村干部王某', ctx)).toEqual(['village']);
    expect(personalDataIn('经查，【请在此概述】', ctx)).toEqual(['placeholder']);
    expect(personalDataIn('王某（已备案）', { names: ['王某'] })).toEqual([]);
  });

  it('passes an anonymised text with dates and amounts', () => {
    const text = '2025年3月至2026年1月，王某违规办理低保3户，违规资金1.08万元（10800元），已于2026-03-15全部追回。监督电话0431-88888888。';
    expect(personalDataIn(text, { names: ['王德福'], villages: ['丁家村委会'] })).toEqual([]);
  });

  it('knows how villages are written', () => {
    expect(villageVariants('丁家村委会')).toEqual(['丁家村委会', '丁家村']);
    expect(villageVariants('一号山村委会')).toEqual(['一号山村委会', '一号山村', '一号山']);
    expect(villageVariants('华阳社区居委会')).toEqual(['华阳社区居委会', '华阳社区']);
  });

  it('knows villages whose registered name carries a note or a short suffix', () => {
    // As in the NBS list: 新月村委会（新月工业小区）（省级）, 驿马村委.
    expect(villageVariants('新月村委会（新月工业小区）（省级）')).toEqual(['新月村委会(新月工业小区)(省级)', '新月村']);
    expect(villageVariants('驿马村委')).toEqual(['驿马村委', '驿马村']);
    expect(personalDataIn('新月村村干部王某违规办理低保。', { villages: ['新月村委会（新月工业小区）（省级）'] })).toEqual(['village']);
  });
});

describe('quarters', () => {
  it('counts in China time and labels in Chinese', () => {
    expect(currentQuarter(Date.parse('2026-03-31T16:30:00Z'))).toBe('2026Q2'); // 00:30 on 1 April in Beijing
    expect(currentQuarter(Date.parse('2026-12-31T15:00:00Z'))).toBe('2026Q4');
    expect(recentQuarters(Date.parse('2026-02-01T00:00:00Z'), 3)).toEqual(['2026Q1', '2025Q4', '2025Q3']);
    expect(quarterLabelZh('2026Q3')).toBe('2026年第三季度');
  });
});
