// Fastify's query-string parser for the whole app (issue 16): a repeated name (`?q=a&q=b`) gives
// its first value instead of an array. No route takes a list from the query string, and every route
// reads query values as strings — an array there was a 500 on six pages.
import { parse } from 'node:querystring';

export function parseQueryFirstValue(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parse(query))) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first;
  }
  return out;
}
