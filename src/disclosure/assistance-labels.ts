// Which 低保 a recipient is in (issue 19 item 15): the minimum living allowance of a village (村) is
// 农村低保 and that of an urban community (社区, 居委会) is 城市低保 — two schemes with their own
// standards (社会救助暂行办法 art. 9–10, set by the county for town and country apart). The roster
// stores only "dibao"; the kind of the recipient's village in the regions data (village |
// community) decides the label. 特困供养 and 临时救助 are one scheme for both.

/** The message key of an assistance type's label for a recipient of a village of this kind. */
export function assistanceTypeKey(type: string, villageKind: string | null | undefined): string {
  if (type === 'dibao' && villageKind === 'community') return 'disclosure.types.dibao_urban';
  if (type === 'dibao' && villageKind === 'village') return 'disclosure.types.dibao_rural';
  return `disclosure.types.${type}`;
}
