// A simulated 12345 partner system: it posts signed work orders to the portal (multipart, streamed
// in chunks) and receives the portal's webhooks on a small HTTP server of its own, which can go down
// (closed: connections are refused) and come back on the same port.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Hex, signRequest, webhookMatches } from '../../src/exchange/index.js';

export interface Attachment {
  name: string;
  content: Buffer;
  type?: string;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface ReceivedEvent {
  eventId: string;
  workOrderNo: string;
  seq: number;
  status: string;
  previousStatus: string | null;
  raw: string;
}

/** The multipart body as parts: the work order field first, then the files. */
export function multipart(workOrder: unknown, files: Attachment[] = []): { parts: Buffer[]; type: string } {
  const boundary = `----sim${crypto.randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="work_order"\r\n\r\n${JSON.stringify(workOrder)}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="${f.name}"\r\nContent-Type: ${f.type ?? 'image/jpeg'}\r\n\r\n`));
    parts.push(f.content, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { parts, type: `multipart/form-data; boundary=${boundary}` };
}

export class SimulatedPartner {
  readonly events: ReceivedEvent[] = [];
  /** Webhooks whose signature did not check (must stay empty). */
  readonly badSignatures: string[] = [];
  private server: http.Server | null = null;
  private port = 0;

  constructor(
    readonly portalUrl: string,
    readonly key: string,
    private secret: Buffer,
  ) {}

  setSecret(secret: Buffer) {
    this.secret = secret;
  }

  get webhookUrl(): string {
    return `http://127.0.0.1:${this.port}/webhook`;
  }

  /** Starts (or restarts, on the same port) the webhook receiver. */
  async up(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (!webhookMatches(this.secret, raw, req.headers)) {
          this.badSignatures.push(raw);
          res.writeHead(401).end();
          return;
        }
        const event = JSON.parse(raw) as ReceivedEvent;
        this.events.push({ ...event, raw });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Goes down: the port refuses connections until up() again. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sends a request with the given headers and body chunks (streamed, 64 KiB at a time). */
  async send(method: string, path: string, headers: Record<string, string>, parts: Buffer[] = []): Promise<Answer> {
    const url = new URL(path, this.portalUrl);
    return new Promise<Answer>((resolve, reject) => {
      const req = http.request({ method, hostname: url.hostname, port: url.port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        });
      });
      req.on('error', reject);
      void (async () => {
        for (const part of parts) {
          for (let i = 0; i < part.length; i += 65536) {
            if (!req.write(part.subarray(i, i + 65536))) await new Promise((r) => req.once('drain', r));
          }
        }
        req.end();
      })();
    });
  }

  /** Signed headers for a body made of `parts`. */
  signedHeaders(method: string, path: string, parts: Buffer[] = [], overrides: { nonce?: string; timestamp?: number } = {}): Record<string, string> {
    const hash = crypto.createHash('sha256');
    for (const p of parts) hash.update(p);
    return signRequest(this.key, this.secret, { method, path, contentSha256: parts.length ? hash.digest('hex') : sha256Hex(''), ...overrides });
  }

  /** Posts a work order, signed. */
  async postWorkOrder(workOrder: unknown, files: Attachment[] = []): Promise<Answer> {
    const { parts, type } = multipart(workOrder, files);
    const length = parts.reduce((n, p) => n + p.length, 0);
    const headers = { ...this.signedHeaders('POST', '/api/v1/work-orders', parts), 'content-type': type, 'content-length': String(length) };
    return this.send('POST', '/api/v1/work-orders', headers, parts);
  }

  async getWorkOrder(workOrderNo: string): Promise<Answer> {
    const path = `/api/v1/work-orders/${encodeURIComponent(workOrderNo)}`;
    return this.send('GET', path, this.signedHeaders('GET', path));
  }

  async close(): Promise<void> {
    await this.down();
  }
}
