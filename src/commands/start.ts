import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StartOptions } from 'pm2';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { resolveNetwork } from '../chain/networks.js';
import { DEFAULT_SETTINGS } from '../domain/settings.js';
import { UserError } from '../util/errors.js';
import { packageRoot } from '../util/packageRoot.js';
import { createWorkbook } from '../workbook/layout.js';
import { WorkbookStore } from '../workbook/store.js';

interface StartArgs {
  workbook: string;
  network?: string;
  hotkey?: string;
}

interface AppConfig {
  name: string;
  args: string[];
  out_file: string;
  error_file: string;
  [option: string]: unknown;
}

export function builder(y: Argv): Argv<StartArgs> {
  return y
    .option('network', { type: 'string', describe: 'local, finney, test or a ws(s):// URL (default: Settings network, else local)' })
    .option('hotkey', { type: 'string', describe: 'Validator hotkey (default: Settings hotkey)' })
    .example('npm start', 'start both processes with the node and hotkey from Settings')
    .example('npm start -- --network finney', 'the same against finney') as unknown as Argv<StartArgs>;
}

export async function handler(argv: ArgumentsCamelCase<StartArgs>): Promise<void> {
  const workbook = path.resolve(argv.workbook);
  const store = new WorkbookStore(workbook);
  if (!fs.existsSync(workbook)) {
    const network = argv.network ?? DEFAULT_SETTINGS.network;
    resolveNetwork(network);
    await store.create(createWorkbook({ ...DEFAULT_SETTINGS, hotkey: argv.hotkey ?? null, network }), false);
    console.log(`Created ${workbook}.`);
  }
  const { settings } = await store.read();
  const network = argv.network ?? settings.network;
  resolveNetwork(network, argv.network !== undefined ? '--network' : 'Settings: network');
  const hotkey = argv.hotkey ?? settings.hotkey;

  const ecosystem = await loadEcosystem();
  const forward = [...(argv.network ? ['--network', network] : []), ...(argv.hotkey ? ['--hotkey', argv.hotkey] : [])];
  // Logs live beside the workbook they concern, whichever workbook that is.
  const logs = path.join(path.dirname(workbook), 'logs');
  const apps = ecosystem.apps
    .filter((app) => hotkey || app.name !== 'valtrac-snapshot')
    .map((app) => ({
      ...app,
      args: [...app.args, '--workbook', workbook, ...(app.name === 'valtrac-snapshot' ? forward : [])],
      out_file: path.join(logs, path.basename(app.out_file)),
      error_file: path.join(logs, path.basename(app.error_file)),
    }));
  fs.mkdirSync(logs, { recursive: true });

  scrubSecrets(process.env, ecosystem.SECRET_ENV_PARTS);
  await withPm2(async (pm2) => {
    for (const app of apps) {
      await call((cb) => pm2.delete(app.name, cb)).catch(() => undefined);
      await call((cb) => pm2.start(app as StartOptions, cb));
    }
  });

  console.log(`Started under pm2: ${apps.map((a) => a.name).join(', ')} (network ${network}).`);
  if (!hotkey) {
    console.log(
      `The snapshotter is not started: the validator hotkey in Settings is empty.\n` +
        `Next: open ${workbook}, fill in Settings (validator hotkey, network, snapshot interval, payout coldkey),\n` +
        `add users in Users, save, and run npm start again.`,
    );
  } else {
    console.log(
      `Next: add users and referrals in ${workbook} (watch marks any problem in it as you save).\n` +
        `Snapshots are recorded every ${settings.snapshotInterval} blocks into the Snapshots sheet and ${path.join(path.dirname(workbook), 'snapshots')}.`,
    );
  }
  console.log(
    `Logs: ${logs} (or pm2 logs). Status: npx pm2 status. Stop: npx pm2 stop valtrac-watch valtrac-snapshot.\n` +
      `To keep them running after a reboot: npx pm2 save && npx pm2 startup.`,
  );
}

/** ecosystem.config.js, beside package.json. */
async function loadEcosystem(): Promise<{ apps: AppConfig[]; SECRET_ENV_PARTS: string[] }> {
  const file = pathToFileURL(path.join(packageRoot(), 'ecosystem.config.js'));
  return (await import(file.href)) as { apps: AppConfig[]; SECRET_ENV_PARTS: string[] };
}

/** pm2's daemon inherits this process's environment: never hand it a secret. */
function scrubSecrets(env: NodeJS.ProcessEnv, parts: string[]): void {
  for (const key of Object.keys(env)) if (parts.some((p) => key.toUpperCase().includes(p))) delete env[key];
}

type Pm2 = typeof import('pm2');

/**
 * pm2 is imported only when it is talked to: importing it creates ~/.pm2 as a side effect, which opening the menu or
 * anything else that merely loads this module must not do.
 */
export async function withPm2<T>(work: (pm2: Pm2) => Promise<T>): Promise<T> {
  // pm2 is CommonJS: its API is the default export of the ESM view.
  const pm2 = ((await import('pm2')) as unknown as { default: Pm2 }).default;
  await call((cb) => pm2.connect(cb)).catch((error: unknown) => {
    throw new UserError(`cannot reach pm2 (${(error as Error).message}). Try: npx pm2 ping`);
  });
  try {
    return await work(pm2);
  } finally {
    pm2.disconnect();
  }
}

export function call<T = unknown>(fn: (cb: (error: Error | null, result?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((error, result) => (error ? reject(error) : resolve(result))));
}
