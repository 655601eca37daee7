import { describe, expect, it } from 'vitest';
import { staffNotice } from '../../src/mail/templates.js';

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

  it('escapes a unit name in the HTML part', () => {
    const notice = staffNotice('zh-CN', 'new_report', { caseNo: 'JL2026-000002', link: 'https://x.example/', unitName: '<b>县</b>民政局' });
    expect(notice.html).toContain('&lt;b&gt;县&lt;/b&gt;民政局');
    expect(notice.html).not.toContain('<b>县');
  });
});
