// A/B of two builds by CPU COST per request instead of wall throughput (issue 17, results-issue17.md §8).
// On a shared machine req/s follows the load of the other processes; the CPU time the server process
// itself spends per request moves far less. Both builds' servers run at once (each a worktree with its
// own dist/ and data dir from bench/generate.ts), and for each row of `npm run bench`'s load table this
// sends a fixed number of requests (autocannon, this process) and reads the server's CPU time before and
// after: the sum of /proc/<pid>/task/*/schedstat (ns on CPU, every thread) and, as a cross-check,
// utime+stime of /proc/<pid>/stat (clock ticks, 10 ms). Rounds alternate which build goes first. Each
// build has its own ceiling process (bench/ceiling.ts serving that build's page (a)), measured the same
// way at the start and end of every round, so a row's figure comparable with the bench's ratio
// (req/s ÷ ceiling req/s) is ceiling µs/request ÷ page µs/request.
//
//   npx tsx bench/ab-cost.ts --a <worktree> --a-data <dir> --b <worktree> --b-data <dir>
//       [--a-label old] [--b-label new] [--rounds 6] [--requests 5000] [--miss-requests 300]
//       [--warm 2000] [--chunks 4] [--connections 10] [--rows h,a1,b,c] [--out bench/tmp/ab-cost.json]
//       [--cpu-prof]   servers under node --cpu-prof (profiles in bench/tmp/ab-profiles/<label>/; not for the cost figures)
//
// Each worktree must be built (`npm run build`) and hold node_modules; each data dir comes from
// `npx tsx bench/generate.ts <dir>` run in that worktree (the same sizes for both).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { FIXTURES_FILE, type Generated } from './generate.js';
import { Browser, median } from './lib/http.js';
import { signIn, walk } from './lib/scenarios.js';
import { ROOT, serverEnv, startProcess, type Running } from './lib/proc.js';

const args = process.argv.slice(2);
const option = (name: string, fallback?: string) => (args.includes(name) ? args[args.indexOf(name) + 1]! : fallback);
const num = (name: string, fallback: number) => Number(option(name, String(fallback)));
const cfg = {
  rounds: num('--rounds', 6),
  requests: num('--requests', 5000),
  missRequests: num('--miss-requests', 300),
  warm: num('--warm', 2000),
  chunks: num('--chunks', 4),
  connections: num('--connections', 10),
  rows: option('--rows')?.split(',') ?? null,
  out: option('--out', path.join(ROOT, 'bench', 'tmp', 'ab-cost.json'))!,
  cpuProf: args.includes('--cpu-prof'),
};
const log = (line: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

type Proc = Running;

/** CPU time of a process so far: ns on CPU summed over its threads (schedstat) and utime+stime in ns (10 ms ticks). */
function cpuOf(pid: number): { sched: number; ticks: number } {
  let sched = 0;
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      sched += Number(fs.readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended meanwhile
    }
  }
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the line)
  return { sched, ticks: ticks * 10_000_000 };
}

interface Row {
  key: string;
  label: string;
  staff?: boolean;
  bust?: boolean;
}

interface Build {
  label: string;
  dir: string;
  data: string;
  gen: Generated;
  server?: Proc;
  ceiling?: Proc;
  cookie?: string;
  paths: Record<string, string>;
  bustCounter: number;
}


const ROWS: Row[] = [
  { key: 'h', label: 'GET /healthz' },
  { key: 'a1', label: '(a) village roster, median village' },
  { key: 'a0', label: "(a) largest village's roster" },
  { key: 'a2', label: '(a) county roster, deep page (after=)' },
  { key: 'b', label: '(b) village search' },
  { key: 'c', label: '(c) typical cases, list' },
  { key: 'c2', label: '(c) typical cases, search' },
  { key: 'd', label: '(d) statistics' },
  { key: 'e1', label: '(e) inbox first page (staff cache reload)', staff: true },
  { key: 'e2', label: '(e) inbox deep page (staff cache reload)', staff: true },
  { key: 'e1m', label: '(e) inbox first page, every request a miss', staff: true, bust: true },
  { key: 'e2m', label: '(e) inbox deep page, every request a miss', staff: true, bust: true },
];

async function prepare(b: Build): Promise<void> {
  const t = b.gen.targets;
  const profDir = path.join(ROOT, 'bench', 'tmp', 'ab-profiles', b.label);
  if (cfg.cpuProf) fs.mkdirSync(profDir, { recursive: true });
  const nodeArgs = cfg.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  // The worktree's compiled server (cwd the worktree, so its dist/ and node_modules), plain node.
  b.server = await startProcess({ cwd: b.dir, entry: 'dist/server.js', tsx: false, nodeArgs, env: serverEnv(b.data), logFile: path.join(b.data, 'ab-server.log'), readyPath: '/healthz', timeoutMs: 120_000 });
  log(`${b.label}: server pid ${b.server.pid} at ${b.server.url}`);
  b.paths = {
    h: '/healthz',
    a1: `/disclosure/villages/${t.village.code}`,
    a0: `/disclosure/villages/${t.largestVillage.code}`,
    a2: `/disclosure/counties/${t.county.code}?after=${t.county.deepAfter}`,
    b: `/disclosure/search?q=${encodeURIComponent(t.villageQuery.q)}`,
    c: '/cases',
    c2: `/cases?q=${encodeURIComponent(t.caseQuery)}`,
    d: '/stats',
    e1: `/staff/reports?status=${t.inbox.status}&region=${t.inbox.region}`,
  };
  // The statistics cube is computed 2 s after start and holds the connection meanwhile.
  await new Promise((r) => setTimeout(r, 8000));
  const staff = await signIn(b.server.url, b.gen.bench.username, b.gen.bench.password, b.gen.bench.totpSecret);
  b.cookie = staff.cookieHeader();
  const walked = await walk(staff, b.paths.e1!, 60);
  b.paths.e2 = walked.deepPath;
  b.paths.e1m = b.paths.e1!;
  b.paths.e2m = walked.deepPath;
  const visitor = new Browser(b.server.url);
  const htmlFile = path.join(b.data, 'ab-ceiling.html');
  const page = await visitor.get(b.paths.a1!);
  fs.writeFileSync(htmlFile, page.body);
  b.ceiling = await startProcess({ entry: 'bench/ceiling.ts', env: { NODE_ENV: 'production', BENCH_CEILING_HTML: htmlFile }, logFile: path.join(b.data, 'ab-ceiling.log'), readyPath: '/', timeoutMs: 120_000 });
  log(`${b.label}: ceiling pid ${b.ceiling.pid}; inbox deep page ${walked.page}: ${walked.deepPath}`);
  // Page sizes and cache state as a check that both builds serve the same thing.
  for (const row of ROWS) {
    const res = await fetch(b.server.url + b.paths[row.key]!, { headers: row.staff ? { cookie: b.cookie } : {}, redirect: 'manual' });
    const body = await res.arrayBuffer();
    log(`${b.label}: ${row.key} HTTP ${res.status}, ${body.byteLength} bytes, x-cache ${res.headers.get('x-cache')}, ${[...res.headers.keys()].length} headers`);
  }
}

interface Sample {
  round: number;
  build: string;
  row: string;
  requests: number;
  usPerReq: number;
  usPerReqTicks: number;
  rps: number;
  non2xx: number;
  errors: number;
  load1: number;
}

async function fire(b: Build, target: Proc, row: Row | null, amount: number): Promise<Awaited<ReturnType<typeof autocannon>>> {
  const url = target.url + (row ? b.paths[row.key]! : '/');
  const headers: Record<string, string> = row?.staff ? { cookie: b.cookie! } : {};
  const bust = row?.bust
    ? { requests: [{ setupRequest: (req: { path: string }) => ({ ...req, path: `${req.path}${req.path.includes('?') ? '&' : '?'}_b=${b.label}${++b.bustCounter}` }) }] }
    : {};
  return autocannon({ url, connections: cfg.connections, amount, headers, timeout: 30, ...bust });
}

/**
 * One row of one round for both builds: `cfg.chunks` slices of the request count, the builds taking
 * turns slice by slice (A B B A A …), so that both see nearly the same machine load; each build's
 * CPU time and requests are summed over its slices.
 */
async function measurePair(pair: [Build, Build], row: Row | null, round: number): Promise<Sample[]> {
  const amount = Math.max(cfg.connections, Math.round((row?.bust ? cfg.missRequests : cfg.requests) / cfg.chunks));
  const acc = new Map<string, { sched: number; ticks: number; done: number; rps: number[]; non2xx: number; errors: number }>();
  for (const b of pair) acc.set(b.label, { sched: 0, ticks: 0, done: 0, rps: [], non2xx: 0, errors: 0 });
  for (let j = 0; j < cfg.chunks; j++) {
    for (const b of j % 2 === 0 ? pair : [pair[1], pair[0]]) {
      const target = row ? b.server! : b.ceiling!;
      const before = cpuOf(target.pid);
      const r = await fire(b, target, row, amount);
      const after = cpuOf(target.pid);
      const a = acc.get(b.label)!;
      a.sched += after.sched - before.sched;
      a.ticks += after.ticks - before.ticks;
      a.done += r.requests.total;
      a.rps.push(r.requests.average);
      a.non2xx += r.non2xx;
      a.errors += r.errors + r.timeouts;
    }
  }
  return pair.map((b) => {
    const a = acc.get(b.label)!;
    return {
      round,
      build: b.label,
      row: row?.key ?? 'ceiling',
      requests: a.done,
      usPerReq: a.sched / 1000 / a.done,
      usPerReqTicks: a.ticks / 1000 / a.done,
      rps: median(a.rps),
      non2xx: a.non2xx,
      errors: a.errors,
      load1: os.loadavg()[0]!,
    };
  });
}

function loadBuild(label: string, dir: string, data: string): Build {
  const gen = JSON.parse(fs.readFileSync(path.join(data, FIXTURES_FILE), 'utf8')) as Generated;
  return { label, dir: path.resolve(dir), data: path.resolve(data), gen, paths: {}, bustCounter: 0 };
}

const spread = (xs: number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

async function main(): Promise<void> {
  const A = loadBuild(option('--a-label', 'old')!, option('--a')!, option('--a-data')!);
  const B = loadBuild(option('--b-label', 'new')!, option('--b')!, option('--b-data')!);
  const rows = cfg.rows ? ROWS.filter((r) => cfg.rows!.includes(r.key)) : ROWS;
  const samples: Sample[] = [];
  const started = new Date().toISOString();
  const loads: number[] = [];
  try {
    for (const b of [A, B]) await prepare(b);
    // Warm-up: JIT, the public and staff page caches, the ceiling.
    for (const b of [A, B]) {
      await fire(b, b.ceiling!, null, cfg.warm);
      for (const row of rows) await fire(b, b.server!, row, row.bust ? Math.max(cfg.connections, Math.ceil(cfg.missRequests / 3)) : cfg.warm);
    }
    log('warm-up done');
    for (let round = 1; round <= cfg.rounds; round++) {
      const order = (i: number): [Build, Build] => ((round + i) % 2 === 0 ? [A, B] : [B, A]);
      loads.push(os.loadavg()[0]!);
      samples.push(...(await measurePair(order(0), null, round)));
      for (const [i, row] of rows.entries()) samples.push(...(await measurePair(order(i + 1), row, round)));
      samples.push(...(await measurePair(order(1), null, round)));
      const line = (b: Build) => samples.filter((s) => s.round === round && s.build === b.label).map((s) => `${s.row} ${s.usPerReq.toFixed(0)}`).join(' ');
      log(`round ${round} (load ${os.loadavg()[0]!.toFixed(2)}): ${A.label}: ${line(A)}`);
      log(`round ${round}: ${B.label}: ${line(B)}`);
    }
    loads.push(os.loadavg()[0]!);
  } finally {
    for (const b of [A, B]) {
      await b.server?.stop();
      await b.ceiling?.stop();
    }
  }
  const bad = samples.filter((s) => s.non2xx || s.errors);
  if (bad.length) log(`!! ${bad.length} measurements had non-2xx answers or errors: ${bad.map((s) => `${s.build}/${s.row}/r${s.round}`).join(', ')}`);

  // Per round and build: the ceiling's cost is the mean of its two readings of that round.
  const cost = (build: string, row: string, round: number) => {
    const xs = samples.filter((s) => s.build === build && s.row === row && s.round === round).map((s) => s.usPerReq);
    return xs.reduce((x, y) => x + y, 0) / xs.length;
  };
  const rounds = Array.from({ length: cfg.rounds }, (_, i) => i + 1);
  const table: string[] = [];
  table.push(`| Row | ${A.label} µs/req (median, range) | ${B.label} µs/req (median, range) | ${B.label}/${A.label} cost, per round (median) | ratio to ceiling ${A.label} | ratio to ceiling ${B.label} | ${B.label}/${A.label} of the ratio, per round (median) |`);
  table.push('|---|---:|---:|---|---:|---:|---|');
  const summary: Record<string, unknown>[] = [];
  for (const row of [{ key: 'ceiling', label: 'Ceiling (bare Fastify, page (a) pre-rendered)' }, ...rows]) {
    const a = rounds.map((r) => cost(A.label, row.key, r));
    const b = rounds.map((r) => cost(B.label, row.key, r));
    const costRatio = rounds.map((_, i) => b[i]! / a[i]!);
    const ratioA = rounds.map((r, i) => cost(A.label, 'ceiling', r) / a[i]!);
    const ratioB = rounds.map((r, i) => cost(B.label, 'ceiling', r) / b[i]!);
    const ratioChange = rounds.map((_, i) => ratioB[i]! / ratioA[i]!);
    summary.push({ row: row.key, label: row.label, a, b, costRatio, ratioA, ratioB, ratioChange });
    table.push(
      `| ${row.label} | ${median(a).toFixed(0)} (${a.map((x) => x.toFixed(0)).join(', ')}) | ${median(b).toFixed(0)} (${b.map((x) => x.toFixed(0)).join(', ')}) | ${costRatio.map((x) => x.toFixed(2)).join(' ')} (**${median(costRatio).toFixed(2)}**) | ${median(ratioA).toFixed(3)} | ${median(ratioB).toFixed(3)} | ${row.key === 'ceiling' ? '—' : `${ratioChange.map((x) => x.toFixed(2)).join(' ')} (**${median(ratioChange).toFixed(2)}**, ${spread(ratioChange)})`} |`,
    );
  }
  const text = table.join('\n');
  console.log(`\n${text}\n\nload average (1 min) at the start of each round and at the end: ${loads.map((l) => l.toFixed(2)).join(', ')}`);
  fs.mkdirSync(path.dirname(cfg.out), { recursive: true });
  fs.writeFileSync(cfg.out, JSON.stringify({ started, ended: new Date().toISOString(), cfg, builds: [A, B].map((b) => ({ label: b.label, dir: b.dir, data: b.data, paths: b.paths })), loads, samples, summary, table: text }, null, 2));
  log(`samples written to ${path.relative(process.cwd(), cfg.out)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
