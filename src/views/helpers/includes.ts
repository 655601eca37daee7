// {{#if (includes list value)}} — whether an array holds a value (e.g. a user's roles).
export default function includes(list: unknown, value: unknown): boolean {
  return Array.isArray(list) && list.includes(value);
}
