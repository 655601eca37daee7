// Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and, to see which
// project code is expensive including what it calls, inclusive time of the src/ and bench/ frames.
//   tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
import fs from 'node:fs';
import { isMainModule } from '../src/cli/io.js';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileLine {
  ms: number;
  share: number;
  name: string;
}

function label(n: Node): string {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*?\/(src|bench|node_modules)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
}

export function summarize(file: string, top = 25): { totalMs: number; self: ProfileLine[]; inclusive: ProfileLine[] } {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  p.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

  const selfBy = new Map<string, number>();
  const inclBy = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    selfBy.set(label(node), (selfBy.get(label(node)) ?? 0) + us);
    // Inclusive: every distinct project frame on the stack gets the sample once.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur)!;
      if (!/\/(src|bench)\//.test(n.callFrame.url)) continue;
      const l = label(n);
      if (seen.has(l)) continue;
      seen.add(l);
      inclBy.set(l, (inclBy.get(l) ?? 0) + us);
    }
  }
  const lines = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ ms: us / 1000, share: us / total, name }));
  return { totalMs: total / 1000, self: lines(selfBy), inclusive: lines(inclBy) };
}

export function formatSummary(s: ReturnType<typeof summarize>): string {
  const fmt = (l: ProfileLine) => `${l.ms.toFixed(0).padStart(8)} ms ${(100 * l.share).toFixed(1).padStart(5)} %  ${l.name}`;
  return [`total sampled: ${s.totalMs.toFixed(0)} ms`, '-- self time --', ...s.self.map(fmt), '-- inclusive (project frames) --', ...s.inclusive.map(fmt)].join('\n');
}

if (isMainModule(import.meta.url)) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatSummary(summarize(file, Number(top) || 25)));
}
