// {{#if (includes (array "a" "b") value)}} — a literal list in a template.
export default function array(...args: unknown[]): unknown[] {
  return args.slice(0, -1);
}
