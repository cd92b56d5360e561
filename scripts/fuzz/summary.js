#!/usr/bin/env node
/*
 * Counts of the schemathesis runs from their NDJSON reports (every one in the directory): operations selected and
 * tested, requests sent, checks run and failed (by check), 5xx answers (by status and operation).
 * Usage: node scripts/fuzz/summary.js <report dir>.
 * Exits 1 when the report is missing or counts a failure.
 */
const fs = require('node:fs');
const path = require('node:path');

const dir = process.argv[2];
const files = dir && fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith('ndjson') && f.endsWith('.ndjson')) : [];
if (files.length === 0) {
  console.error(`no schemathesis NDJSON report in ${dir}`);
  process.exit(1);
}

let operations = 0;
const tested = new Set();
let requests = 0;
const serverErrors = new Map();
const checks = new Map();
const lines = files.sort().flatMap((file) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n'));
for (const line of lines) {
  if (line.trim() === '') continue;
  const event = JSON.parse(line);
  // One report per run of the script's runs; each selects its own operations.
  if (event.LoadingFinished) operations += event.LoadingFinished.statistic?.operations?.selected ?? 0;
  const finished = event.ScenarioFinished;
  if (!finished) continue;
  const recorder = finished.recorder ?? {};
  if (/^[A-Z]+ \//.test(recorder.label ?? '')) tested.add(recorder.label);
  for (const interaction of Object.values(recorder.interactions ?? {})) {
    requests += 1;
    const status = interaction.response?.status_code ?? 0;
    if (status >= 500) {
      const key = `${status} ${recorder.label}`;
      serverErrors.set(key, (serverErrors.get(key) ?? 0) + 1);
    }
  }
  for (const results of Object.values(recorder.checks ?? {})) {
    for (const result of results) {
      const counts = checks.get(result.name) ?? { run: 0, failed: 0 };
      counts.run += 1;
      if (result.status === 'failure') counts.failed += 1;
      checks.set(result.name, counts);
    }
  }
}

const failures = [...checks.values()].reduce((sum, c) => sum + c.failed, 0);
const fivexx = [...serverErrors.values()].reduce((sum, n) => sum + n, 0);
console.log(`schemathesis: ${operations} operations, ${tested.size} tested, ${requests} requests, ${failures} failed checks, ${fivexx} answers 5xx`);
for (const [name, c] of [...checks.entries()].sort()) console.log(`  ${name}: ${c.run} run, ${c.failed} failed`);
for (const [key, n] of [...serverErrors.entries()].sort()) console.log(`  5xx: ${key} x${n}`);
process.exit(failures > 0 ? 1 : 0);
