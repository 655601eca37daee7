// The reference ceiling of issue 10: a bare Fastify route returning a pre-rendered HTML string (the
// bytes of the bench's page (a)), in its own process, same Node, NODE_ENV=production, no logger.
// Started by bench/run.ts with PORT and BENCH_CEILING_HTML (a file holding the page).
import fs from 'node:fs';
import Fastify from 'fastify';

const html = fs.readFileSync(process.env.BENCH_CEILING_HTML ?? '', 'utf8');
const app = Fastify({ logger: false });
app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
