#!/usr/bin/env node
// `npm run admin -- grant <username> admin|moderator` or `npm run admin -- revoke <username>`:
// makes an account instance staff (or not) from the command line, with an audit log entry.
// Works beside a running `npm start` (it uses that server's PostgreSQL) or on its own
// (it starts the embedded PostgreSQL for the moment). Reads the same settings as npm start.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => console.log(`[admin] ${line}`);
const usage = 'usage: npm run admin -- grant <username> admin|moderator   or   npm run admin -- revoke <username>';

const [command, username, role] = process.argv.slice(2);
const roles = ['admin', 'moderator'];
if (!((command === 'grant' && username && roles.includes(role)) || (command === 'revoke' && username && !role))) {
  console.error(usage);
  process.exit(2);
}
const coreEntry = path.join(root, 'packages/core/dist/src/index.js');
if (!existsSync(coreEntry)) {
  console.error('[admin] the project is not built yet: run "npm run build" (or npm start once), then this again.');
  process.exit(1);
}
const { loadConfig, setInstanceRoleFromCli } = await import(coreEntry);
try {
  // Relative settings (QC_DATA_DIR) are read from the project's root, as npm start reads them.
  const config = loadConfig(process.env, root);
  await setInstanceRoleFromCli(config, username, command === 'grant' ? role : null, say);
} catch (e) {
  console.error(`[admin] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
