import * as fs from 'node:fs';
import * as path from 'node:path';
import { toMarkdown, writeReport } from './harness/report';
import { FULL_SIZES, QUICK_SIZES, runSuite, WORKLOADS, type WorkloadName } from './harness/suite';

const USAGE = `npm run bench [-- options]
  --quick              reduced sizes (100,000-event log, short runs): under 2 minutes
  --only=a,b           run some workloads: ${WORKLOADS.join(', ')}
  --out=FILE           results JSON (default bench/results.json)
  --md=FILE            also write the markdown table there (default bench/results.md for a full run)
  --scratch=DIR        where the temporary databases go (default: the OS temp directory)
environment: BENCH_TOKEN (bearer token, if the api requires one), BENCH_API_NODE_ARGS (extra node flags for the api process,
e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof")`;

/** The checkout's root, found from this file whether it runs compiled (dist/bench/bench) or from source (bench). */
function repoRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'robo-trader') return dir;
    if (path.dirname(dir) === dir) throw new Error('cannot find the robo-trader checkout above ' + __dirname);
  }
}

function option(args: readonly string[], name: string): string | undefined {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  const known = ['--quick', '--only=', '--out=', '--md=', '--scratch='];
  const unknown = args.filter((a) => !known.some((k) => (k.endsWith('=') ? a.startsWith(k) : a === k)));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}\n${USAGE}`);
  const quick = args.includes('--quick');
  const only = option(args, 'only')?.split(',').filter((w) => w !== '');
  const bad = only?.filter((w) => !(WORKLOADS as readonly string[]).includes(w)) ?? [];
  if (bad.length > 0) throw new Error(`unknown workload ${bad.join(', ')}; choose from ${WORKLOADS.join(', ')}`);
  const root = repoRoot();
  const out = path.resolve(option(args, 'out') ?? path.join(root, 'bench/results.json'));
  const mode = only ? 'custom' : quick ? 'quick' : 'full';
  const md = option(args, 'md') ?? (mode === 'full' ? path.join(root, 'bench/results.md') : null);

  console.log(`Robo Trader benchmarks (${mode}${quick ? ', reduced sizes' : ''})`);
  const report = await runSuite({
    mode,
    sizes: quick ? QUICK_SIZES : FULL_SIZES,
    workloads: only as WorkloadName[] | undefined,
    repoRoot: root,
    scratchParent: option(args, 'scratch'),
    token: process.env.BENCH_TOKEN || undefined,
    apiNodeArgs: process.env.BENCH_API_NODE_ARGS?.split(' ').filter((a) => a !== ''),
    log: (line) => console.log(line),
  });
  writeReport(report, out, md === null ? null : path.resolve(md));
  console.log(`\n${toMarkdown(report)}`);
  console.log(`results: ${out}${md ? ` and ${path.resolve(md)}` : ''}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
