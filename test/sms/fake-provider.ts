// A fake SMS gateway for the tests (issue 24): a small HTTP server that records each request and
// answers from a script of statuses (the last one repeats). It imitates no vendor.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProviderRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export class FakeProvider {
  readonly requests: ProviderRequest[] = [];
  private script: { status: number; body: string }[] = [{ status: 200, body: '{"ok":true}' }];
  private server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      this.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const answer = this.script.length > 1 ? this.script.shift()! : this.script[0]!;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/send`;
  }

  /** The statuses (and bodies) of the next answers; the last one stays. */
  answer(...script: (number | { status: number; body: string })[]): void {
    this.requests.length = 0;
    this.script = script.map((s) => (typeof s === 'number' ? { status: s, body: s < 300 ? '{"ok":true}' : '{"error":"x"}' } : s));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
