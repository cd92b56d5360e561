import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { round } from './stats';

/** One measured (or unavailable) number. `id` is stable across runs so results can be compared. */
export interface Figure {
  id: string;
  workload: string;
  figure: string;
  /** Null when the workload could not run; `note` says why. */
  value: number | null;
  unit: string;
  parameters: Record<string, unknown>;
  note?: string;
}

export interface TargetResult {
  target: string;
  measured: string;
  /** Null when the figure is missing or not comparable in this mode (quick sizes). */
  met: boolean | null;
}

export interface MachineInfo {
  node: string;
  /** The flags the suite's own process ran with (`npm run bench` gives it a 32 MB semi-space, as the projector has). */
  nodeFlags: string[];
  cpuModel: string;
  cores: number;
  memoryGb: number;
  platform: string;
}

export interface BenchReport {
  suite: 'robo-trader-bench';
  mode: 'full' | 'quick' | 'custom';
  date: string;
  machine: MachineInfo;
  durationSeconds: number;
  figures: Figure[];
  targets: TargetResult[];
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    node: process.version,
    nodeFlags: [...process.execArgv],
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

export function formatValue(value: number | null): string {
  if (value === null) return 'n/a';
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function describeParameters(parameters: Record<string, unknown>): string {
  return Object.entries(parameters)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function toMarkdown(report: BenchReport): string {
  const m = report.machine;
  const lines = [
    `Run: ${report.date} (${report.mode} mode, ${report.durationSeconds.toFixed(0)} s); machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}${m.nodeFlags.length > 0 ? ` (${m.nodeFlags.join(' ')})` : ''}, ${m.platform}.`,
    '',
    '| workload | figure | value | unit | parameters |',
    '| --- | --- | ---: | --- | --- |',
    ...report.figures.map(
      (f) => `| ${cell(f.workload)} | ${cell(f.figure)} | ${formatValue(f.value)} | ${f.unit} | ${cell(describeParameters(f.parameters))}${f.note ? ` (${cell(f.note)})` : ''} |`,
    ),
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
    ...report.targets.map((t) => `| ${cell(t.target)} | ${cell(t.measured)} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`),
    '',
  ];
  return lines.join('\n');
}

/** Writes the JSON (bigints as strings) and, when asked, the markdown table next to it. */
export function writeReport(report: BenchReport, jsonFile: string, markdownFile: string | null): void {
  fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
  fs.writeFileSync(jsonFile, `${JSON.stringify(report, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  if (markdownFile !== null) fs.writeFileSync(markdownFile, `# Benchmark results\n\n${toMarkdown(report)}`);
}
