// A browser-like client over fetch: a cookie jar, no automatic redirects, and the form details the
// pages carry (CSRF token, hidden fields, next links).
export class Browser {
  readonly jar = new Map<string, string>();

  constructor(readonly base: string) {}

  cookieHeader(): string {
    return [...this.jar.entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers; ms: number }> {
    const t0 = performance.now();
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', this.cookieHeader());
    const res = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
    const body = await res.text();
    this.keep(res);
    return { status: res.status, body, headers: res.headers, ms: performance.now() - t0 };
  }

  get(path: string) {
    return this.request(path);
  }

  /** A url-encoded form POST, as a browser sends a plain form. */
  postForm(path: string, fields: Record<string, string>) {
    return this.request(path, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }
}

export function unescapeHtml(s: string): string {
  return s.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/** The CSRF token of a page: a hidden `_csrf` field or the `?_csrf=` of a multipart form's action. */
export function csrfOf(html: string): string {
  const m = /_csrf(?:=|&#x3D;|" value=")([^"&]+)/.exec(html);
  if (!m) throw new Error('no CSRF token on the page');
  return unescapeHtml(m[1]!);
}

export function hiddenOf(html: string, name: string): string | undefined {
  const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  return m ? unescapeHtml(m[1]!) : undefined;
}

export function nextHrefOf(html: string): string | null {
  const m = /<a href="([^"]+)" rel="next">/.exec(html);
  return m ? unescapeHtml(m[1]!) : null;
}

export function queryCodeOf(html: string): string | null {
  return /class="query-code"[^>]*>(\d{4} \d{4} \d{4} \d{4})</.exec(html)?.[1] ?? null;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
