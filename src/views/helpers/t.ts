// {{t "section.key" name=value}} — the UI string for the page's locale, `{name}` filled from the hash.
import type { HelperOptions } from 'handlebars';
import { translate } from '../../i18n/translate.js';

export default function t(this: unknown, key: string, options: HelperOptions): string {
  return translate(options.data.root.locale, key, options.hash);
}
