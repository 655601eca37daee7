// Name masking for public postings and rosters (DESIGN.md §5; 社会救助暂行办法 art. 61: personal
// data beyond what must be posted stays secret). The village must still recognise who is on the
// list, so the surname and the last character of the given name stay; everything else becomes "*".
//
// Invariant: a non-empty name never comes back unchanged; at least one character is hidden, and
// one "*" stands for one hidden character (as in the design's examples 金美玉子 → 金**子).

/**
 * Compound surnames (复姓). The genuine compound entries of 百家姓 (pairs that merely sit side by
 * side there, such as 晋楚, 闫法, 汝鄢, 岳帅, 商牟, 墨哈, 言福, are two single surnames and left
 * out), plus 独孤 and 南郭, which are attested but missing from it, and traditional forms for
 * lists typed on a traditional-character system.
 */
export const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  // 百家姓
  '万俟', '司马', '上官', '欧阳', '夏侯', '诸葛', '闻人', '东方', '赫连', '皇甫', '尉迟', '公羊',
  '澹台', '公冶', '宗政', '濮阳', '淳于', '单于', '太叔', '申屠', '公孙', '仲孙', '轩辕', '令狐',
  '钟离', '宇文', '长孙', '慕容', '鲜于', '闾丘', '司徒', '司空', '亓官', '司寇', '子车', '颛孙',
  '端木', '巫马', '公西', '漆雕', '乐正', '壤驷', '公良', '拓跋', '夹谷', '宰父', '谷梁', '段干',
  '百里', '东郭', '南门', '呼延', '归海', '羊舌', '微生', '梁丘', '左丘', '东门', '西门', '伯赏',
  '南宫', '第五',
  // attested outside 百家姓
  '独孤', '南郭',
  // traditional forms
  '司馬', '歐陽', '諸葛', '聞人', '赫連', '尉遲', '澹臺', '單于', '公孫', '仲孫', '軒轅',
  '鍾離', '長孫', '鮮于', '閭丘', '顓孫', '巫馬', '樂正', '壤駟', '穀梁', '段幹', '東郭', '南門',
  '歸海', '東門', '西門', '南宮', '獨孤', '東方',
]);

/** Korean compound surnames written in Hangul (남궁 南宫, 황보 皇甫, 제갈 诸葛 …). */
export const HANGUL_COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  '남궁', '황보', '제갈', '선우', '독고', '사공', '서문', '동방',
]);

const MASK = '*';
// Separators used between the parts of transliterated minority names (阿依古丽·买买提). People
// type any of these; they are all unified to the middle dot U+00B7 before masking.
const DOTS = /[·・•‧∙⋅．.﹒･]/gu;
const SINO = /^[\p{Script=Han}\p{Script=Hangul}]+$/u;

/** NFKC (full-width letters, compatibility ideographs), unified dots, collapsed whitespace. */
export function normalizeName(raw: string): string {
  return raw
    .normalize('NFKC')
    .replace(DOTS, '·')
    .replace(/[\s\u200B-\u200D\uFEFF]+/gu, ' ')
    .replace(/ ?· ?/gu, '·')
    .trim();
}

/**
 * Masks a recipient's name for publication.
 *
 * - Han and Hangul names (Han, 朝鲜族 names in Han or Hangul): keep the surname (compound ones
 *   recognised when the name has three or more characters, since a two-character name starting
 *   with 欧阳 is more likely 欧 + 阳), mask the given name except its last character when it has two
 *   or more: 张伟 → 张*, 张明华 → 张*华, 欧阳明华 → 欧阳*华, 金美玉子 → 金**子, 김철수 → 김*수.
 *   Spaces typed for alignment (张  伟) are dropped.
 * - Names with a middle dot (Uyghur, Kazakh … 阿依古丽·买买提): these have no surname, the first
 *   part is the person's own name, the last usually the father's. Keep the first character of the
 *   first part and the last character of the last part, keep the dots (so the village still sees
 *   the name's shape), mask the rest: 阿依古丽·买买提 → 阿***·**提.
 * - Anything else (Latin letters, mixed scripts): keep the first and the last character, mask the
 *   rest; spaces are dropped so that word boundaries do not leak: Zhang Wei → Z******i.
 * - A single character (a list with only the surname, or a data error) gains a "*" (张 → 张*),
 *   so the output never shows a whole name. Empty or blank input gives "".
 */
export function maskName(raw: string): string {
  const name = normalizeName(raw);
  if (name === '') return '';
  const parts = name.split('·').filter((p) => p !== '');
  if (parts.length >= 2) return maskDotted(parts.map((p) => Array.from(p.replace(/ /g, ''))));
  const joined = parts.join('').replace(/ /g, '');
  const chars = Array.from(joined);
  if (SINO.test(joined)) return maskSino(chars);
  return keepEnds(chars);
}

function maskSino(chars: string[]): string {
  const n = chars.length;
  if (n <= 2) return (chars[0] ?? '') + MASK;
  const head = chars[0]! + chars[1]!;
  const compound = COMPOUND_SURNAMES.has(head) || HANGUL_COMPOUND_SURNAMES.has(head);
  const surname = compound ? head : chars[0]!;
  const given = chars.slice(compound ? 2 : 1);
  if (given.length === 1) return surname + MASK;
  return surname + MASK.repeat(given.length - 1) + given[given.length - 1]!;
}

/** First and last character kept, one "*" per hidden character; at least one hidden. */
function keepEnds(chars: string[]): string {
  const n = chars.length;
  if (n <= 2) return (chars[0] ?? '') + MASK;
  return chars[0]! + MASK.repeat(n - 2) + chars[n - 1]!;
}

function maskDotted(parts: string[][]): string {
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  // Two one-character parts (阿·买) would show everything; then the last is masked as well.
  const keepLast = total > 2;
  const out = parts.map((p, i) =>
    p
      .map((ch, j) => {
        const first = i === 0 && j === 0;
        const last = i === parts.length - 1 && j === p.length - 1;
        return first || (last && keepLast) ? ch : MASK;
      })
      .join(''),
  );
  return out.join('·');
}
