// A tiny well-formedness check for the feed tests (no XML package here): element nesting, attribute
// syntax, escaped text and known entities. Returns null when well-formed, else what is wrong.
export function checkXml(xml: string): string | null {
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: string[] = [];
  let roots = 0;
  const NAME = '[A-Za-z_][\\w.:-]*';
  const textOk = (text: string) => !/[<>]/.test(text) && !/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text);
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (!textOk(text)) return `bad text: ${text.slice(0, 60)}`;
    if (stack.length === 0 && text.trim() !== '') return 'text outside the root';
    if (lt === -1) break;
    rest = rest.slice(lt);
    const close = new RegExp(`^</(${NAME})\\s*>`).exec(rest);
    if (close) {
      if (stack.pop() !== close[1]) return `unbalanced </${close[1]}>`;
      rest = rest.slice(close[0].length);
      continue;
    }
    const open = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`).exec(rest);
    if (!open) return `bad tag at: ${rest.slice(0, 60)}`;
    for (const m of open[2]!.matchAll(/=\s*(?:"([^"]*)"|'([^']*)')/g)) if (!textOk(m[1] ?? m[2] ?? '')) return `bad attribute in <${open[1]}>`;
    if (stack.length === 0) roots++;
    if (!open[3]) stack.push(open[1]!);
    rest = rest.slice(open[0].length);
  }
  if (stack.length > 0) return `unclosed <${stack.join('><')}>`;
  return roots === 1 ? null : `${roots} root elements`;
}
