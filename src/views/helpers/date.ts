// {{date value}} — a calendar date (YYYY-MM-DD) in China Standard Time; empty for no value.
export function formatDate(value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  const d = value instanceof Date ? value : new Date(typeof value === 'number' ? value : String(value));
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export default function date(value: unknown): string {
  return formatDate(value);
}
