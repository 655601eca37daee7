import { describe, expect, it } from 'vitest';
import { staffNotice } from '../../src/mail/index.js';

describe('staff e-mail templates', () => {
  it('exist per locale as text and HTML, with the link and nothing else about the report', () => {
    for (const [locale, word] of [['zh-CN', '交办'], ['en', 'assigned'], ['ko', '배정']] as const) {
      const notice = staffNotice(locale, 'assigned', { caseNo: 'JL2026-000001', link: 'https://x.example/staff/reports/1' });
      expect(notice.subject).toContain('JL2026-000001');
      expect(notice.text).toContain(word);
      expect(notice.text).toContain('https://x.example/staff/reports/1');
      expect(notice.html).toContain('<a href="https://x.example/staff/reports/1">');
    }
  });

  it('cites 第二十三条 for a new report: a civil-affairs office is not a 信访部门 and acts under art. 23, not art. 22 (issue 18)', () => {
    expect(staffNotice('zh-CN', 'new_report', { caseNo: 'JL2026-000002', link: 'https://x.example/' }).text).toContain('第二十三条');
    expect(staffNotice('ko', 'new_report', { caseNo: 'JL2026-000002', link: 'https://x.example/' }).text).toContain('제23조');
    expect(staffNotice('en', 'new_report', { caseNo: 'JL2026-000002', link: 'https://x.example/' }).text).toContain('art. 23');
  });

  it('escapes a unit name in the HTML part', () => {
    const notice = staffNotice('zh-CN', 'new_report', { caseNo: 'JL2026-000002', link: 'https://x.example/', unitName: '<b>县</b>民政局' });
    expect(notice.html).toContain('&lt;b&gt;县&lt;/b&gt;民政局');
    expect(notice.html).not.toContain('<b>县');
  });

  it('fill a kind\'s own placeholders: the late-submission reminder names the task and its due date in every locale', () => {
    for (const locale of ['zh-CN', 'en', 'ko'] as const) {
      const notice = staffNotice(locale, 'reporting_overdue', { title: '2026年农村低保专项治理实施方案', dueOn: '2026-04-20', link: 'https://x.example/staff/reporting/1/2', unitName: '南关区民政局' });
      expect(notice.subject).toContain('2026年农村低保专项治理实施方案');
      expect(notice.text).toContain('2026-04-20');
      expect(notice.text.startsWith('南关区民政局')).toBe(true);
      expect(notice.text).toContain('https://x.example/staff/reporting/1/2');
      expect(`${notice.subject}${notice.text}`).not.toMatch(/\{\w+\}/);
    }
  });

  it('tell a department about a transfer with the case number and its due date, in every locale', () => {
    for (const locale of ['zh-CN', 'en', 'ko'] as const) {
      const notice = staffNotice(locale, 'transfer_received', { caseNo: 'JL2026-000003', due: '2026-12-31', link: 'https://x.example/staff/transfers', unitName: '农安县公安局' });
      expect(notice.subject).toContain('JL2026-000003');
      expect(notice.text).toContain('2026-12-31');
      expect(notice.text).toContain('https://x.example/staff/transfers');
      expect(`${notice.subject}${notice.text}`).not.toMatch(/\{\w+\}/);
    }
  });
});
