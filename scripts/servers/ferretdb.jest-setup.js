/*
 * Jest global setup: when FerretDB is installed (.tools/bin/ferretdb, from scripts/servers/install-ferretdb.sh) and
 * MONGO_URL is not set, start one for this run, so that `npm test` alone runs the MongoDB suites. MONGO_URL set
 * (a real MongoDB, or the FerretDB that .ci/run started) is used as it is; FERRETDB=off starts nothing, and without
 * the binary the MongoDB suites skip with their printed reason.
 */
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');

module.exports = async function startFerretDb() {
  if (process.env.MONGO_URL || process.env.FERRETDB === 'off') return;
  if (!fs.existsSync(path.join(ROOT, '.tools', 'bin', 'ferretdb'))) return;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'robo-ferretdb-'));
  const out = execFileSync('bash', [path.join(__dirname, 'ferretdb.sh'), 'start'], { env: { ...process.env, FERRETDB_HOME: home }, encoding: 'utf8' });
  const url = /^MONGO_URL=(\S+)$/m.exec(out)?.[1];
  if (!url) throw new Error(`scripts/servers/ferretdb.sh start printed no MONGO_URL: ${out}`);
  // Test workers are started after this and inherit the environment.
  process.env.MONGO_URL = url;
  process.env.ROBO_FERRETDB_HOME = home;
  process.stderr.write(`\nFerretDB started for this run (${url}); FERRETDB=off to skip the MongoDB suites instead.\n`);
};
