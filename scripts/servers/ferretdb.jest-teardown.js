/* Jest global teardown: stops the FerretDB that ferretdb.jest-setup.js started (and deletes its data), if any. */
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function stopFerretDb() {
  const home = process.env.ROBO_FERRETDB_HOME;
  if (!home) return;
  execFileSync('bash', [path.join(__dirname, 'ferretdb.sh'), 'stop'], { env: { ...process.env, FERRETDB_HOME: home }, stdio: 'inherit' });
  delete process.env.ROBO_FERRETDB_HOME;
  delete process.env.MONGO_URL;
};
