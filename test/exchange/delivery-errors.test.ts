// The recorded webhook errors read as words in every language: 503 as a partner down for a while,
// a refused connection as one that cannot be reached, no address as a missing setting.
import { describe, expect, it } from 'vitest';
import { deliveryErrorMessage } from '../../src/exchange/delivery-errors.js';
import { translate } from '../../src/i18n/translate.js';

const words = (locale: 'zh-CN' | 'ko' | 'en', error: string) => {
  const m = deliveryErrorMessage(error);
  return translate(locale, `exchange.dead_letters.errors.${m.key}`, m.params);
};

describe('dead letter errors', () => {
  it('says what happened instead of the technical code', () => {
    expect(words('zh-CN', 'HTTP 503')).toBe('对方系统暂时不可用（503）');
    expect(words('zh-CN', 'ECONNREFUSED')).toBe('无法连接对方系统（ECONNREFUSED）');
    expect(words('zh-CN', 'no webhook')).toBe('未设置推送地址');
    expect(words('ko', 'no webhook')).toBe('알림 주소가 설정되지 않았습니다');
    expect(words('en', 'HTTP 503')).toBe('The other system is temporarily unavailable (503)');
    expect(words('zh-CN', 'TimeoutError')).toContain('超时');
    expect(words('zh-CN', 'weird')).toBe('发送失败（weird）');
  });
});
