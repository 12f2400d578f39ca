// pm2 process file for ValTrac's two long-running processes. `npm start` uses it (and first creates the workbook
// and checks Settings); `pm2 start ecosystem.config.js` works too. Run from the project folder after `npm run build`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const logs = path.join(root, 'workbook', 'logs');

/**
 * pm2 copies the starting shell's environment into its process list (and `pm2 save` writes it to disk): drop
 * anything that looks like a secret. Names containing one of these are not passed on.
 */
export const SECRET_ENV_PARTS = ['MNEMONIC', 'PASSWORD', 'PASSPHRASE', 'SECRET', 'SEED', 'PRIVATE', 'SURI'];

const common = {
  script: path.join(root, 'dist', 'cli.js'),
  cwd: root,
  autorestart: true,
  // Restart after 2 s, growing by half on each quick failure up to pm2's cap of 15 s (reset after 30 s of uptime).
  exp_backoff_restart_delay: 2000,
  kill_timeout: 15_000,
  time: true,
  merge_logs: true,
  filter_env: SECRET_ENV_PARTS,
};

export const apps = [
  {
    ...common,
    name: 'valtrac-watch',
    args: ['watch'],
    out_file: path.join(logs, 'watch.log'),
    error_file: path.join(logs, 'watch.error.log'),
  },
  {
    ...common,
    name: 'valtrac-snapshot',
    args: ['snapshot'],
    out_file: path.join(logs, 'snapshot.log'),
    error_file: path.join(logs, 'snapshot.error.log'),
  },
];
