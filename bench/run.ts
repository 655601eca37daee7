// `npm run bench` (issue 10): builds the provincial-scale database, starts the real server in
// production mode on it, drives it from this (separate) process and compares every page with a
// bare-Fastify ceiling measured in the same run. Writes bench/results.md. See bench/README.md.
//   npm run bench                      full run (~10–15 min on 2 cores)
//   npm run bench -- --quick           smaller data, shorter runs (smoke check, results to bench/tmp/)
//   npm run bench -- --data <dir>      reuse a data dir built earlier (bench/generate.ts or --keep)
//   npm run bench -- --keep            keep the generated data dir    --profile  server under --cpu-prof
//   npm run bench -- --engine pg       the same data copied (db:copy) into a new PostgreSQL database,
//                                      the server on it; --keep-db keeps that database, --pg URL names
//                                      the server, --scale F generates F × the full sizes
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databaseFile } from '../src/db/connection.js';
import { FIXTURES_FILE, FULL, QUICK, generate, type Generated } from './generate.js';
import { fmt, machineFacts, writeResults, type Measurement } from './lib/results.js';
import { measure, type LoadResult } from './lib/load.js';
import { RATE_LIMIT_FACTOR, ROOT, serverEnv, startProcess, type Running } from './lib/proc.js';
import { photoOfSize } from './lib/jpeg.js';
import { commitRate, signIn, submissions, uncached, uploads, verifyCodes, walk, type Place } from './lib/scenarios.js';
import { Browser, median, percentile } from './lib/http.js';
import { formatSummary, summarize } from './profile-summary.js';
import { measureList } from './lib/load.js';
import { DAY_MIX, mixOf, planStaffDay, resolveStaffDay } from './lib/staff-day.js';
import { benchDatabaseName, copyInto, createBenchDatabase, dropBenchDatabase, engineOptions, masterKeyOf, pgCommitRate, scaledSizes } from './lib/engine.js';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const quick = flag('--quick');
const profile = flag('--profile');
// Only the staff-day scenario and the inbox miss run between two ceilings (for working on the miss path).
const staffDayOnly = flag('--staff-day-only');
const eng = engineOptions(args);
const onPg = eng.engine === 'pg';
/** The PostgreSQL database of this run (--engine pg), its URL once created, and what the copy took. */
const pgRun = { name: benchDatabaseName(process.pid), url: null as string | null, evidenceDir: null as string | null, copy: null as Awaited<ReturnType<typeof copyInto>> | null };
/** The server's engine variables: none on SQLite (DATA_DIR's file), DATABASE_URL and the key on PostgreSQL. */
const engineEnv: Record<string, string> = {};
const cfg = quick
  ? { seconds: 3, warm: 1, connections: 10, uncachedSamples: 5, submitSeconds: 6, inboxDepth: 8, starts: 2, commitSeconds: 1 }
  : { seconds: 10, warm: 3, connections: 10, uncachedSamples: 20, submitSeconds: 30, inboxDepth: 60, starts: 3, commitSeconds: 3 };
const UPLOADS = 20;
const UPLOAD_BYTES = 20 * 1024 * 1024 - 4096;

const log = (line: string) => console.log(line);
const rows: Measurement[] = [];
const notes: string[] = [];
const runStarted = performance.now();
const machine = machineFacts();
const servers: Running[] = [];


/** The production build (`npm run build`: tsc into dist/ plus the locales), once per run. */
function buildServer(): void {
  const t0 = performance.now();
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], timeout: 300_000 });
  log(`built dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

/** The server as `npm start` runs it: `node dist/server.js` (after the build). */
async function startServer(dataDir: string, tag: string, extraEnv: Record<string, string> = {}): Promise<Running> {
  const profDir = path.join(ROOT, 'bench', 'tmp', 'profiles');
  if (profile) fs.mkdirSync(profDir, { recursive: true });
  const s = await startProcess({
    entry: 'dist/server.js',
    tsx: false,
    env: { ...serverEnv(dataDir), ...engineEnv, ...extraEnv },
    nodeArgs: profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=server-${tag}-${Date.now()}.cpuprofile`] : [],
    readyPath: '/healthz',
    logFile: path.join(dataDir, 'server.log'),
  });
  servers.push(s);
  return s;
}

function loadRow(r: LoadResult, ceiling: number | null, min: number | null, what: string): Measurement {
  const ratio = ceiling ? r.rps / ceiling : undefined;
  const clean = r.errors === 0 && r.non2xx === 0;
  return {
    name: what,
    result: `${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50)} ms, p99 ${fmt.ms(r.p99)} ms${clean ? '' : `, ${r.errors} errors, ${r.non2xx} non-2xx`}`,
    ...(ratio !== undefined ? { ratio } : {}),
    target: min === null ? '—' : `≥ ${min.toFixed(2)} × ceiling`,
    pass: min === null ? null : clean && ratio !== undefined && ratio >= min,
  };
}

/**
 * The staff day (issue 22) against a server whose staff page cache is off: 50 sessions' seeded mix
 * of views, then each kind's latency one request at a time (the first requests of the list, so the
 * same ones every run) and a prefecture user's common-word search.
 */
async function staffDay(server: Running, gen: Generated, load: { connections: number; seconds: number; warmSeconds: number }) {
  const plan = planStaffDay(gen.dataDir, quick ? 8 : 20);
  const day = await resolveStaffDay(server.url, plan, gen.bench.password, log);
  const list = day.requests.map((q) => ({ path: q.path, headers: { cookie: day.cookies[q.session]! } }));
  const result = await measureList('staff day', server.url, list, load);
  log(`staff day: ${fmt.int(result.rps)} req/s p50 ${result.p50} p99 ${result.p99}, ${result.cacheHits} cache hits, ${result.non2xx} non-2xx, ${result.sent} sent of a list of ${list.length}`);
  // Each kind's latency, one request at a time, over the start of the list.
  const byKind = new Map<string, number[]>();
  for (const q of day.requests.slice(0, quick ? 80 : 300)) {
    const t0 = performance.now();
    const res = await fetch(server.url + q.path, { headers: { cookie: day.cookies[q.session]! }, redirect: 'manual' });
    await res.arrayBuffer();
    if (res.headers.get('x-cache') === 'hit') throw new Error(`staff day: ${q.path} came from the cache`);
    const list2 = byKind.get(q.kind) ?? [];
    list2.push(performance.now() - t0);
    byKind.set(q.kind, list2);
  }
  const kinds = [...byKind.entries()].map(([k, ms]) => `${k} ${fmt.ms(median(ms))} / ${fmt.ms(percentile(ms, 99))} ms (${ms.length})`).join('; ');
  const staff = await signIn(server.url, gen.bench.username, gen.bench.password, gen.bench.totpSecret);
  const search = await uncached(staff, `/staff/reports?q=${encodeURIComponent('低保')}`, cfg.uncachedSamples, true);
  return { result, mix: mixOf(day.requests), kinds, search, users: Object.entries(DAY_MIX).map(([k, n]) => `${n} ${k}`).join(', '), signInS: day.signInMs / 1000, listLength: list.length };
}

function staffDayMeasurements(d: Awaited<ReturnType<typeof staffDay>>, ceiling: number): Measurement[] {
  const r = d.result;
  const ratio = r.rps / ceiling;
  const clean = r.errors === 0 && r.non2xx === 0;
  return [
    {
      name: `Staff day: ${d.users} sessions, a seeded mix (${d.mix} in a list of ${d.listLength}), staff page cache off, ${cfg.connections} connections`,
      result: `${fmt.int(r.rps)} req/s, p50 ${fmt.ms(r.p50)} ms, p99 ${fmt.ms(r.p99)} ms; ${r.cacheHits} cache hits of ${fmt.int(r.sent)} requests${clean ? '' : `; ${r.errors} errors, ${r.non2xx} non-2xx`}`,
      ratio,
      target: '≥ 0.20 × ceiling, p99 ≤ 50 ms, 0 hits',
      pass: clean && r.cacheHits === 0 && ratio >= 0.2 && r.p99 <= 50,
    },
    { name: 'Staff day, each kind one request at a time: median / p99 (count)', result: d.kinds, target: '—', pass: null },
    {
      name: 'Staff search of a common word `/staff/reports?q=低保`, 长春市 (prefecture) supervisor: uncached latency',
      result: `first request ${fmt.ms(d.search.firstMs)} ms, median of ${cfg.uncachedSamples} uncached ${fmt.ms(d.search.medianMs)} ms`,
      target: 'p50 ≤ 30 ms',
      pass: d.search.medianMs <= 30,
    },
  ];
}

async function prepareData(): Promise<{ gen: Generated; cleanup: boolean }> {
  const reuse = option('--data');
  if (reuse) {
    const gen = JSON.parse(fs.readFileSync(path.join(reuse, FIXTURES_FILE), 'utf8')) as Generated;
    log(`reusing ${reuse} (generated ${gen.generatedAt} in ${gen.seconds.toFixed(0)} s)`);
    return { gen: { ...gen, dataDir: path.resolve(reuse) }, cleanup: false };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sunshine-bench-'));
  const sizes = eng.scale !== null ? scaledSizes(FULL, eng.scale) : quick ? QUICK : FULL;
  log(`generating ${eng.scale !== null ? `${eng.scale} × full` : quick ? 'quick' : 'full'} data (${JSON.stringify(sizes)}) in ${dir} …`);
  const gen = await generate(dir, sizes, log);
  log(`generated in ${gen.seconds.toFixed(1)} s, database ${(gen.databaseBytes / 1024 ** 2).toFixed(0)} MB`);
  return { gen, cleanup: !flag('--keep') };
}

/**
 * --engine pg: a new database, the data dir's SQLite portal copied into it by db:copy's code (its
 * evidence into a folder of this run), and the server's variables as a PostgreSQL node needs them.
 */
async function preparePostgres(dataDir: string): Promise<void> {
  pgRun.url = await createBenchDatabase(eng.pgServer, pgRun.name);
  log(`created database ${pgRun.name} on ${eng.pgServer}; copying ${dataDir} into it (db:copy) …`);
  pgRun.evidenceDir = path.join(dataDir, `pg-evidence-${process.pid}`);
  pgRun.copy = await copyInto(dataDir, pgRun.url, pgRun.evidenceDir, log);
  log(`copied ${fmt.int(pgRun.copy.rows)} rows of ${pgRun.copy.tables} tables in ${pgRun.copy.seconds.toFixed(0)} s (${(pgRun.copy.bytes / 1024 ** 2).toFixed(0)} MB in PostgreSQL)`);
  Object.assign(engineEnv, { DATABASE_URL: pgRun.url, SUNSHINE_MASTER_KEY: masterKeyOf(dataDir), SUNSHINE_EVIDENCE_DIR: pgRun.evidenceDir });
}

/** Drops the run's database and its evidence folder, unless --keep-db. */
async function cleanupPostgres(): Promise<void> {
  if (!pgRun.url) return;
  if (eng.keepDb) {
    log(`kept database ${pgRun.url} (evidence in ${pgRun.evidenceDir})`);
    return;
  }
  await dropBenchDatabase(eng.pgServer, pgRun.name);
  if (pgRun.evidenceDir) fs.rmSync(pgRun.evidenceDir, { recursive: true, force: true });
  log(`dropped database ${pgRun.name}`);
  pgRun.url = null;
}

function samplePlaces(dataDir: string): Place[] {
  const db = new Database(databaseFile(dataDir), { readonly: true });
  const places = db
    .prepare(`SELECT c.parent_code AS prefecture, c.code AS county, t.code AS township, v.code AS village
      FROM regions v JOIN regions t ON t.code = v.parent_code JOIN regions c ON c.code = t.parent_code
      WHERE v.level = 'village' AND c.level = 'county' AND v.rowid % 59 = 0 ORDER BY v.code`)
    .all() as Place[];
  db.close();
  return places;
}

/** `--staff-day-only`: the staff day and the inbox miss run between two ceilings, nothing else. */
async function mainStaffDay(): Promise<void> {
  buildServer();
  const { gen, cleanup } = await prepareData();
  if (onPg) await preparePostgres(gen.dataDir);
  const load = { connections: cfg.connections, seconds: cfg.seconds, warmSeconds: cfg.warm };
  try {
    const server = await startServer(gen.dataDir, 'staffday', { SUNSHINE_STAFF_CACHE_MB: '0' });
    // The statistics cube is computed 2 s after start (src/stats/routes.ts) and holds the SQLite
    // connection while it runs: measured runs start after it, as in the full run.
    await new Promise((r) => setTimeout(r, 8000));
    const visitor = new Browser(server.url);
    const htmlFile = path.join(gen.dataDir, 'ceiling.html');
    fs.writeFileSync(htmlFile, (await visitor.get(`/disclosure/villages/${gen.targets.village.code}`)).body);
    const ceilingServer = await startProcess({ entry: 'bench/ceiling.ts', env: { NODE_ENV: 'production', BENCH_CEILING_HTML: htmlFile }, readyPath: '/' });
    servers.push(ceilingServer);
    const c1 = await measure('ceiling', ceilingServer.url + '/', load);
    const staff = await signIn(server.url, gen.bench.username, gen.bench.password, gen.bench.totpSecret);
    const inboxFirst = `/staff/reports?status=${gen.targets.inbox.status}&region=${gen.targets.inbox.region}`;
    const miss = await measure('e1m', server.url + inboxFirst, { ...load, headers: { cookie: staff.cookieHeader() }, bust: true });
    const day = await staffDay(server, gen, load);
    const c2 = await measure('ceiling', ceilingServer.url + '/', load);
    const ceiling = (c1.rps + c2.rps) / 2;
    rows.push({ name: 'Ceiling: bare Fastify route, pre-rendered page (a), before and after', result: `${fmt.int(c1.rps)} / ${fmt.int(c2.rps)} req/s (mean ${fmt.int(ceiling)})`, ratio: 1, target: '—', pass: null });
    rows.push(loadRow(miss, ceiling, 0.2, `(e) inbox first page, every request a miss (staff page cache off), ${cfg.connections} connections`));
    rows.push(...staffDayMeasurements(day, ceiling));
  } finally {
    for (const s of servers) await s.stop().catch(() => null);
    await cleanupPostgres();
    if (profile) summarizeProfiles();
  }
  machine.loadEnd = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  const out = option('--results') ?? path.join(ROOT, 'bench', 'tmp', 'results-staff-day.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeResults(out, { title: 'Sunshine staff day (--staff-day-only)', date: new Date().toISOString(), command: `npm run bench -- ${args.join(' ')}`, totalMinutes: (performance.now() - runStarted) / 60_000, machine, data: [], settings: ['Server with SUNSHINE_STAFF_CACHE_MB=0 (staff page cache off).'], rows, notes });
  console.log(rows.map((r) => `${r.pass === null ? '  ' : r.pass ? 'ok' : '!!'} ${r.name}: ${r.result}${r.ratio !== undefined ? ` [${r.ratio.toFixed(2)}×]` : ''}`).join('\n'));
  if (cleanup) fs.rmSync(gen.dataDir, { recursive: true, force: true });
}

function summarizeProfiles(): void {
  const dir = path.join(ROOT, 'bench', 'tmp', 'profiles');
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    fs.writeFileSync(path.join(dir, file.replace(/\.cpuprofile$/, '.txt')), formatSummary(summarize(path.join(dir, file), 40)));
  }
  log(`profiles and summaries in ${dir}`);
}

async function main(): Promise<void> {
  buildServer();
  const { gen, cleanup } = await prepareData();
  if (onPg) await preparePostgres(gen.dataDir);
  const dataDir = gen.dataDir;
  const t = gen.targets;
  const places = samplePlaces(dataDir);
  try {
    // --- start-up and idle memory -----------------------------------------------------------
    const starts: number[] = [];
    let server: Running | null = null;
    for (let i = 0; i < cfg.starts; i++) {
      if (server) await server.stop();
      server = await startServer(dataDir, `start${i}`);
      starts.push(server.startMs);
      log(`start-up ${i + 1}: ${server.startMs.toFixed(0)} ms`);
    }
    server = server!;
    await new Promise((r) => setTimeout(r, 3000));
    const idleMb = server.rssMb();
    rows.push({ name: 'Start-up on the scale database (spawn → /healthz 200)', result: `median ${fmt.int(median(starts))} ms (${starts.map((s) => fmt.int(s)).join(', ')})`, target: '< 2,000 ms', pass: median(starts) < 2000 });
    rows.push({ name: 'Idle RSS after start', result: fmt.mb(idleMb), target: '< 150 MB', pass: idleMb < 150 });
    log(`idle RSS ${idleMb.toFixed(0)} MB`);

    // --- (g) 20 concurrent 20 MB uploads, first, so that growth is over the true idle ---------
    const photo = await photoOfSize(UPLOAD_BYTES);
    const g = await uploads(server.url, server.pid, places, UPLOADS, { path: photo, name: 'bench-photo.jpg' });
    const growth = g.peakMb - g.idleMb;
    const gOk = g.ok === UPLOADS && g.errors.length === 0 && g.confirmedFiles === UPLOADS;
    rows.push({
      name: `(g) ${UPLOADS} concurrent submissions with a ${fmt.int(UPLOAD_BYTES)}-byte JPEG each (20 MiB upload limit)`,
      result: `${g.ok}/${UPLOADS} filed with the file in ${g.seconds.toFixed(1)} s; RSS ${fmt.mb(g.idleMb)} → peak ${fmt.mb(g.peakMb)} (+${fmt.mb(growth)}, ${g.samples} samples)${g.errors.length ? `; errors: ${g.errors.slice(0, 3).join('; ')}` : ''}`,
      target: 'RSS growth < 100 MB, no error',
      pass: gOk && growth < 100,
    });
    log(`(g) ${g.ok}/${UPLOADS} ok, peak +${growth.toFixed(0)} MB`);

    // --- uncached first requests (public cache empty) ------------------------------------------
    const pages = {
      a1: `/disclosure/villages/${t.village.code}`,
      a0: `/disclosure/villages/${t.largestVillage.code}`,
      a2first: `/disclosure/counties/${t.county.code}`,
      a2: `/disclosure/counties/${t.county.code}?after=${t.county.deepAfter}`,
      b: `/disclosure/search?q=${encodeURIComponent(t.villageQuery.q)}`,
      c: '/cases',
      c2: `/cases?q=${encodeURIComponent(t.caseQuery)}`,
      d: '/stats',
      s: `/search?q=${encodeURIComponent(t.caseQuery)}`,
    };
    const staff = await signIn(server.url, gen.bench.username, gen.bench.password, gen.bench.totpSecret);
    const inboxFirst = `/staff/reports?status=${t.inbox.status}&region=${t.inbox.region}`;
    const walked = await walk(staff, inboxFirst, cfg.inboxDepth);
    const lat: Record<string, Awaited<ReturnType<typeof uncached>>> = {};
    // Public pages as a visitor sees them: no cookie (a staff session's cookie would make them uncacheable).
    const visitor = new Browser(server.url);
    for (const [k, p] of Object.entries(pages)) lat[k] = await uncached(visitor, p, cfg.uncachedSamples, true);
    // Staff pages are kept per session too (plugins/staff-page-cache): `_b` makes each a miss.
    lat.e1 = await uncached(staff, inboxFirst, cfg.uncachedSamples, true);
    lat.e2 = await uncached(staff, walked.deepPath, cfg.uncachedSamples, true);
    const labels: Record<string, string> = {
      a1: `(a) village roster, first page (median village: ${t.village.active} listed)`,
      a0: `(a) largest village's roster, first page (${t.largestVillage.active} listed)`,
      a2first: `(a) county roster, first page (${fmt.int(t.county.active)} listed)`,
      a2: `(a) county roster, page ${t.county.deepPage} (keyset \`after=\`)`,
      b: `(b) village search \`q=${t.villageQuery.q}\` (${t.villageQuery.villages} names)`,
      c: '(c) typical cases, list',
      c2: `(c) typical cases, search \`q=${t.caseQuery}\``,
      d: '(d) statistics',
      s: `Site search \`/search?q=${t.caseQuery}\` (cases, policies, villages, ledger)`,
      e1: `(e) inbox status=${t.inbox.status} region=${t.inbox.region}, first page`,
      e2: `(e) same inbox, page ${walked.page}`,
      e1m: `(e) inbox first page, every request a cache miss (\`_b\` varies)`,
      e2m: `(e) inbox page ${walked.page}, every request a cache miss (\`_b\` varies)`,
      h: 'For reference: GET /healthz (a database ping and a disk check, no page)',
    };
    for (const [k, l] of Object.entries(lat)) {
      rows.push({ name: `${labels[k]}: uncached latency`, result: `first request ${fmt.ms(l.firstMs)} ms, median of ${cfg.uncachedSamples} uncached ${fmt.ms(l.medianMs)} ms, ${fmt.int(l.bytes)} bytes`, target: '—', pass: null });
    }
    // The staff dashboard (the page after sign-in), for information: no target in issue 10.
    const dash = await uncached(staff, '/staff', Math.min(5, cfg.uncachedSamples), true);
    rows.push({ name: 'Staff dashboard /staff (counts over the user\'s scope): uncached latency', result: `first request ${fmt.ms(dash.firstMs)} ms, median of ${Math.min(5, cfg.uncachedSamples)} ${fmt.ms(dash.medianMs)} ms`, target: '—', pass: null });
    const deepRatio = lat.a2!.medianMs / lat.a2first!.medianMs;
    rows.push({ name: '(a) deep county page vs first page, uncached median', result: `${deepRatio.toFixed(2)} × (${fmt.ms(lat.a2!.medianMs)} vs ${fmt.ms(lat.a2first!.medianMs)} ms)`, target: '≤ 1.5 ×', pass: deepRatio <= 1.5 });
    const inboxRatio = lat.e2!.medianMs / lat.e1!.medianMs;
    rows.push({ name: `(e) inbox page ${walked.page} vs first page, uncached median`, result: `${inboxRatio.toFixed(2)} × (${fmt.ms(lat.e2!.medianMs)} vs ${fmt.ms(lat.e1!.medianMs)} ms)`, target: '≤ 1.5 ×', pass: inboxRatio <= 1.5 });

    // --- ceiling and load runs -------------------------------------------------------------
    const htmlFile = path.join(dataDir, 'ceiling.html');
    fs.writeFileSync(htmlFile, (await visitor.get(pages.a1)).body);
    const ceilingServer = await startProcess({ entry: 'bench/ceiling.ts', env: { NODE_ENV: 'production', BENCH_CEILING_HTML: htmlFile }, readyPath: '/' });
    servers.push(ceilingServer);
    const load = { connections: cfg.connections, seconds: cfg.seconds, warmSeconds: cfg.warm };
    const ceiling1 = await measure('ceiling', ceilingServer.url + '/', load);
    log(`ceiling: ${fmt.int(ceiling1.rps)} req/s`);
    const staffHeaders = { cookie: staff.cookieHeader() };
    const runs: [string, string, number, Record<string, string>, boolean?][] = [
      ['h', '/healthz', -1, {}],
      ['a1', pages.a1, 0.3, {}],
      ['a0', pages.a0, -1, {}],
      ['a2', pages.a2, 0.3, {}],
      ['b', pages.b, 0.3, {}],
      ['c', pages.c, 0.3, {}],
      ['c2', pages.c2, 0.3, {}],
      ['d', pages.d, 0.3, {}],
      ['e1', inboxFirst, 0.2, staffHeaders],
      ['e2', walked.deepPath, 0.2, staffHeaders],
      ['e1m', inboxFirst, -1, staffHeaders, true],
      ['e2m', walked.deepPath, -1, staffHeaders, true],
    ];
    const results: [string, LoadResult, number][] = [];
    for (const [k, p, min, headers, bust] of runs) {
      const r = await measure(k, server.url + p, { ...load, headers, bust });
      results.push([k, r, min]);
      log(`${labels[k]}: ${fmt.int(r.rps)} req/s p50 ${r.p50} p99 ${r.p99} (${r.non2xx} non-2xx, ${r.errors} errors)`);
    }
    // The staff day runs with the staff page cache off (issue 22): a new server on the same data.
    await server.stop();
    server = await startServer(dataDir, 'staffday', { SUNSHINE_STAFF_CACHE_MB: '0' });
    const day = await staffDay(server, gen, load);
    const ceiling2 = await measure('ceiling', ceilingServer.url + '/', load);
    const ceiling = (ceiling1.rps + ceiling2.rps) / 2;
    log(`ceiling again: ${fmt.int(ceiling2.rps)} req/s`);
    await ceilingServer.stop();
    rows.push({ name: `Ceiling: bare Fastify route, pre-rendered ${fmt.int(lat.a1!.bytes)}-byte page (a), before and after the page runs`, result: `${fmt.int(ceiling1.rps)} / ${fmt.int(ceiling2.rps)} req/s (mean ${fmt.int(ceiling)}), p50 ${fmt.ms(ceiling1.p50)} ms, p99 ${fmt.ms(ceiling1.p99)} ms`, ratio: 1, target: '—', pass: null });
    for (const [k, r, min] of results) rows.push(loadRow(r, ceiling, min < 0 ? null : min, `${labels[k]}, ${cfg.connections} connections`));
    rows.push(...staffDayMeasurements(day, ceiling));

    // --- (f) text-only submissions, beside the commit rate -----------------------------------
    const commits = onPg ? await pgCommitRate(pgRun.url!, cfg.commitSeconds) : commitRate(dataDir, cfg.commitSeconds);
    const commitSettings = 'journal' in commits ? `journal ${commits.journal}, synchronous ${commits.synchronous === 2 ? 'FULL' : commits.synchronous}` : `PostgreSQL, synchronous_commit ${commits.synchronousCommit}, one connection`;
    rows.push({ name: `Commit rate, single-row INSERT transactions, same settings (${commitSettings})`, result: `${fmt.int(commits.commitsPerSecond)} commits/s`, target: '—', pass: null });
    const f = await submissions(server.url, places, 10, cfg.submitSeconds);
    const verify = await verifyCodes(server.url, f.codes, 10);
    const fOk = f.errors.length === 0 && verify.ok === f.codes.length && f.codes.length > 0;
    rows.push({
      name: '(f) text-only report submissions (GET form + multipart POST), 10 concurrent',
      result: `${f.codes.length} filed in ${f.wallSeconds.toFixed(1)} s = ${(f.codes.length / f.wallSeconds).toFixed(1)} filings/s (${((f.codes.length / f.wallSeconds / commits.commitsPerSecond) * 100).toFixed(1)} % of the commit rate); pair p50 ${fmt.ms(median(f.pairMs))} ms, p99 ${fmt.ms(percentile(f.pairMs, 99))} ms; POST p50 ${fmt.ms(median(f.postMs))} ms; ${f.errors.length} errors; receipts valid on /track: ${verify.ok}/${f.codes.length}`,
      target: 'no error, every receipt valid',
      pass: fOk,
    });
    if (f.errors.length) notes.push(`(f) errors: ${[...new Set(f.errors)].slice(0, 5).join('; ')}`);
    if (verify.failed.length) notes.push(`(f) receipts that failed: ${verify.failed.slice(0, 5).join('; ')}`);
    const gVerify = await verifyCodes(server.url, [...g.codes, ...gen.sampleCodes], 5);
    rows.push({ name: `Receipts of (g) and ${gen.sampleCodes.length} generated reports valid on /track`, result: `${gVerify.ok}/${g.codes.length + gen.sampleCodes.length}`, target: 'all', pass: gVerify.ok === g.codes.length + gen.sampleCodes.length });
    rows.push({ name: 'Server RSS at the end of the run', result: fmt.mb(server.rssMb()), target: '—', pass: null });
    await server.stop();
  } finally {
    for (const s of servers) await s.stop().catch(() => null);
    await cleanupPostgres();
    if (profile) summarizeProfiles();
  }

  machine.loadEnd = os.loadavg().map((x) => x.toFixed(2)).join(' / ');
  // A PostgreSQL run (or a scaled one) does not overwrite the SQLite results: its table goes to
  // bench/tmp/ and is set beside them in results.md by hand.
  const out = option('--results') ?? path.join(ROOT, 'bench', quick ? 'tmp/results-quick.md' : onPg ? 'tmp/results-pg.md' : eng.scale !== null ? 'tmp/results-scaled.md' : 'results.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const s = gen.sizes;
  writeResults(out, {
    title: `Sunshine at provincial scale${onPg ? ' on PostgreSQL' : ''}${quick ? ' (quick run: smaller data, shorter runs)' : ''}${eng.scale !== null ? ` (data at ${eng.scale} × the full sizes)` : ''}`,
    date: new Date().toISOString(),
    command: `npm run bench${args.length ? ' -- ' + args.join(' ') : ''}`,
    totalMinutes: (performance.now() - runStarted) / 60_000,
    machine,
    data: [
      `${fmt.int(gen.disclosure.recipients)} recipients (${fmt.int(gen.disclosure.active)} active) over ${fmt.int(gen.rowCounts.postings ?? 0)} postings and ${fmt.int(gen.disclosure.entries)} posting entries in all ${fmt.int(11_860)} villages; ${fmt.int(gen.reports.reports)} reports over a year with ${fmt.int(gen.reports.events)} events; ${fmt.int(gen.staffCount)} staff; ${fmt.int(gen.ledgerCount)} ledger items; ${gen.casesCount} published typical cases; ${fmt.int(gen.rowCounts.audit_log ?? 0)} audit entries (one HMAC chain); ${fmt.int(gen.rowCounts.search_documents ?? gen.rowCounts.search_index_keys ?? 0)} documents in the search index.`,
      `Sizes asked: ${JSON.stringify(s)}. Database ${(gen.databaseBytes / 1024 ** 2).toFixed(0)} MB. Generation took ${gen.seconds.toFixed(0)} s (${gen.phases.map((p) => `${p.name} ${p.seconds.toFixed(0)} s`).join('; ')}).`,
      `Report statuses: ${Object.entries(gen.reports.byStatus).map(([k, v]) => `${k} ${fmt.int(v)}`).join(', ')}.`,
      ...(pgRun.copy ? [`PostgreSQL: the SQLite database copied by db:copy's code (\`copyToPostgres\`, one transaction, batches of 500 rows, audit chain verified on both sides) into a new database ${pgRun.name} (UTF8, C.UTF-8, template0) on ${eng.pgServer}: ${fmt.int(pgRun.copy.rows)} rows of ${pgRun.copy.tables} tables, ${fmt.int(pgRun.copy.auditEntries)} audit entries, in ${pgRun.copy.seconds.toFixed(0)} s; ${(pgRun.copy.bytes / 1024 ** 2).toFixed(0)} MB in PostgreSQL after the copy. ${eng.keepDb ? 'Kept after the run (--keep-db).' : 'Dropped after the run.'}`] : []),
    ],
    settings: [
      `Server: \`node dist/server.js\` (how \`npm start\` runs it, built once by \`npm run build\` at the start of the run), NODE_ENV=production, HOST=127.0.0.1, its log (level info, the default) to a file in the data dir.`,
      `SUNSHINE_RATE_LIMIT_FACTOR=${RATE_LIMIT_FACTOR}: one client address sends every request, and the sign-in / tracking limits are per address. SUNSHINE_SCHEDULER_SECONDS=0: the deadline sweep does not run in the middle of a measurement. SUNSHINE_DEMO_DATA=off.`,
      ...(onPg ? [`Engine: PostgreSQL 15 on the same machine (its own processes share the 2 cores with the server and the load generator), DATABASE_URL to the copied database, SUNSHINE_MASTER_KEY = the data dir's master.key, SUNSHINE_EVIDENCE_DIR a folder of this run; the server's pool at its default (10 connections), PostgreSQL's settings as installed (synchronous_commit on).`] : []),
      `Unchanged: password hashing (scrypt N=2^15), CSRF on every form, AES-GCM of files and identities, ${onPg ? '' : 'WAL with synchronous=FULL, '}upload limits; the public and staff page caches at their defaults (64 and 32 MB).`,
      `autocannon 9.0.0 (programmatic, in the bench process), ${cfg.connections} connections, ${cfg.warm} s warm-up then ${cfg.seconds} s per run; the ceiling before and after the page runs, their mean used for the ratios.`,
    ],
    rows,
    notes,
    appendix: fs.existsSync(path.join(ROOT, 'bench', 'findings.md')) ? fs.readFileSync(path.join(ROOT, 'bench', 'findings.md'), 'utf8') : undefined,
  });
  log(`\nresults written to ${path.relative(ROOT, out)}`);
  console.log(rows.map((r) => `${r.pass === null ? '  ' : r.pass ? 'ok' : '!!'} ${r.name}: ${r.result}${r.ratio !== undefined ? ` [${r.ratio.toFixed(2)}×]` : ''}`).join('\n'));
  if (cleanup) fs.rmSync(dataDir, { recursive: true, force: true });
}

(staffDayOnly ? mainStaffDay() : main()).catch(async (err) => {
  console.error(err);
  for (const s of servers) await s.stop().catch(() => null);
  await cleanupPostgres().catch((e) => console.error(e));
  process.exit(1);
});
