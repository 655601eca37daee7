import { describe, expect, it } from 'vitest';
import { htmlText, plainText, renderMarkdown } from '../../src/policy/markdown.js';

describe('policy Markdown', () => {
  it('keeps headings, lists, tables, emphasis, quotes, code and safe links', () => {
    const html = renderMarkdown('# 标题\n\n## 小节\n\n- 一\n- 二\n\n1. 甲\n\n| 材料 | 说明 |\n|:--|--:|\n| 户口簿 | 全家 |\n\n**重要** *提示* `代码`\n\n> 引用\n\n[举报](/report) [民政部](https://www.mca.gov.cn/) [邮件](mailto:a@example.org)');
    expect(html).toContain('<h2>标题</h2>'); // the page title is the h1
    expect(html).toContain('<h2>小节</h2>');
    expect(html).toContain('<ul>');
    expect(html).toContain('<ol>');
    expect(html).toContain('<th align="left">材料</th>');
    expect(html).toContain('<strong>重要</strong>');
    expect(html).toContain('<em>提示</em>');
    expect(html).toContain('<code>代码</code>');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<a href="/report">举报</a>');
    expect(html).toContain('<a href="https://www.mca.gov.cn/" rel="noopener noreferrer nofollow">民政部</a>');
    expect(html).toContain('<a href="mailto:a@example.org">邮件</a>');
  });

  it('removes scripts, event handlers, javascript: links, styles and frames', () => {
    const html = renderMarkdown(
      [
        '<script>alert(1)</script>',
        '<img src="/static/x.png" onerror="alert(2)">',
        '<p onclick="alert(3)" style="color:red">文字</p>',
        '[点我](javascript:alert(4)) [再点](JaVaScRiPt:alert(5)) <a href=" jav&#x61;script:alert(6)">链接</a>',
        '<iframe src="https://evil.example/"></iframe><style>body{display:none}</style><form action="https://evil.example/"><input name="x"></form>',
        '<svg onload="alert(7)"><a xlink:href="javascript:alert(8)">x</a></svg>',
      ].join('\n\n'),
    );
    expect(html).not.toMatch(/<script|alert|onerror|onclick|onload|javascript:|style|<iframe|<form|<input|<svg/i);
    expect(html).toContain('<p>文字</p>');
    expect(html).toContain('<img src="/static/x.png" />');
  });

  it('makes no third-party requests: images only from this site', () => {
    const html = renderMarkdown('![a](https://tracker.example/p.gif) ![b](//cdn.example/b.png) ![c](data:image/png;base64,AAAA) ![d](/static/img/d.png)');
    expect(html).not.toContain('tracker.example');
    expect(html).not.toContain('cdn.example');
    expect(html).not.toContain('data:');
    expect(html).toContain('<img src="/static/img/d.png" alt="d" />');
  });

  it('gives the plain text for search', () => {
    expect(plainText('## 低保\n\n**申请** [条件](/x) & 流程 <script>x()</script>')).toBe('低保\n申请 条件 & 流程');
  });

  it('gives the same text from HTML already rendered', () => {
    const md = '## 低保\n\n**申请** [条件](/x) & 流程\n\n| 材料 | 说明 |\n|--|--|\n| 户口簿 | 全家 |';
    expect(htmlText(renderMarkdown(md))).toBe(plainText(md));
  });
});
