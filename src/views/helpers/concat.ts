// {{t (concat "report.categories." value)}} — joins its arguments into one string (message keys).
export default function concat(...args: unknown[]): string {
  return args.slice(0, -1).map(String).join('');
}
