// The results: printed as the bench goes, and written to bench/results.md as one Markdown table.
import fs from 'node:fs';
import os from 'node:os';

export interface Measurement {
  name: string;
  result: string;
  /** Ratio to the ceiling, for load runs. */
  ratio?: number;
  target: string;
  /** null: reported, no target. */
  pass: boolean | null;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  os: string;
  loadStart: string;
  loadEnd?: string;
}

export function machineFacts(): Machine {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGb: os.totalmem() / 1024 ** 3,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    loadStart: os.loadavg().map((x) => x.toFixed(2)).join(' / '),
  };
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n < 10 ? n.toFixed(1) : Math.round(n).toString()),
  mb: (n: number) => `${n.toFixed(0)} MB`,
};

export function formatTable(rows: Measurement[]): string {
  const lines = ['| # | Measurement | Result | × ceiling | Target | Pass |', '|---|---|---|---|---|---|'];
  rows.forEach((r, i) => lines.push(`| ${i + 1} | ${r.name} | ${r.result} | ${r.ratio === undefined ? '' : r.ratio.toFixed(2)} | ${r.target} | ${r.pass === null ? '—' : r.pass ? 'pass' : '**FAIL**'} |`));
  return lines.join('\n');
}

export interface ResultsDocument {
  title: string;
  date: string;
  command: string;
  totalMinutes: number;
  machine: Machine;
  data: string[];
  settings: string[];
  rows: Measurement[];
  notes: string[];
  /** Markdown appended as it is (bench/findings.md: the analysis of the missed targets). */
  appendix?: string;
}

export function writeResults(file: string, doc: ResultsDocument): void {
  const m = doc.machine;
  const failed = doc.rows.filter((r) => r.pass === false).length;
  const text = [
    `# ${doc.title}`,
    '',
    `- Date: ${doc.date}`,
    `- Command: \`${doc.command}\` (whole run ${doc.totalMinutes.toFixed(1)} min)`,
    `- Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb.toFixed(1)} GB memory, ${m.os}, Node ${m.node}`,
    `- Load average (1/5/15 min) at start: ${m.loadStart}; at end: ${m.loadEnd ?? '?'} — a shared machine: absolute numbers drift, the ratios to the ceiling measured in the same run are what the targets use.`,
    '',
    '## Data',
    '',
    ...doc.data.map((d) => `- ${d}`),
    '',
    '## Settings of the run',
    '',
    ...doc.settings.map((s) => `- ${s}`),
    '',
    `## Measurements (${doc.rows.filter((r) => r.pass !== null).length - failed} of ${doc.rows.filter((r) => r.pass !== null).length} targets met)`,
    '',
    formatTable(doc.rows),
    '',
    ...(doc.notes.length ? ['## Notes', '', ...doc.notes.map((n) => `- ${n}`), ''] : []),
    ...(doc.appendix ? [doc.appendix.trim(), ''] : []),
  ].join('\n');
  fs.writeFileSync(file, text);
}
