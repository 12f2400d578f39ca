import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StartOptions } from 'pm2';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { resolveNetwork } from '../chain/networks.js';
import { DEFAULT_SETTINGS, missingSettings } from '../domain/settings.js';
import { call, logTail, processStates, withPm2, type ProcessState } from '../util/pm2.js';
import { packageRoot } from '../util/packageRoot.js';
import { createWorkbook } from '../workbook/layout.js';
import { WorkbookStore } from '../workbook/store.js';
import { chosenNetwork, networkOption, type NetworkArgs } from './common.js';
import { out } from '../util/output.js';

interface StartArgs extends NetworkArgs {
  workbook: string;
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
  return networkOption(y)
    .option('hotkey', { type: 'string', describe: 'Validator hotkey (default: Settings hotkey)' })
    .example('npm start', 'start both processes with the node and hotkey from Settings')
    .example('npm start -- --network finney', 'the same against finney') as unknown as Argv<StartArgs>;
}

/**
 * A started process is reported once it has written its first line (what it is doing) and stayed up SETTLE_MS (a
 * crash at start-up shows within it), or after WAIT_MS at most.
 */
const SETTLE_MS = 4_000;
const WAIT_MS = 30_000;
const POLL_MS = 500;

export async function handler(argv: ArgumentsCamelCase<StartArgs>): Promise<void> {
  await startProcesses(argv);
}

/** `valtrac start`'s core, which the menu's logging choice calls too. */
export async function startProcesses(argv: StartArgs): Promise<void> {
  const workbook = path.resolve(argv.workbook);
  const store = new WorkbookStore(workbook);
  if (!fs.existsSync(workbook)) {
    const network = argv.network ?? DEFAULT_SETTINGS.network;
    resolveNetwork(network);
    await store.create(createWorkbook({ ...DEFAULT_SETTINGS, hotkey: argv.hotkey ?? null, network }), false);
    out.line(`Created ${workbook}.`);
  }
  const parsed = await store.readParsed();
  const { settings } = parsed.data;
  const { network, argument } = chosenNetwork(argv, settings, parsed.settingsCells);
  const node = resolveNetwork(network, argument);

  const ecosystem = await loadEcosystem();
  const forward = [...(argv.network ? ['--network', network] : []), ...(argv.hotkey ? ['--hotkey', argv.hotkey] : [])];
  // Logs live beside the workbook they concern, whichever workbook that is.
  const logs = path.join(path.dirname(workbook), 'logs');
  const apps = ecosystem.apps.map((app) => ({
    ...app,
    args: [...app.args, '--workbook', workbook, ...(app.name === 'valtrac-snapshot' ? forward : [])],
    out_file: path.join(logs, path.basename(app.out_file)),
    error_file: path.join(logs, path.basename(app.error_file)),
  }));
  fs.mkdirSync(logs, { recursive: true });
  // What each process writes from now on is what this start reports.
  const offsets = new Map(apps.flatMap((app) => [app.out_file, app.error_file]).map((file) => [file, fs.existsSync(file) ? fs.statSync(file).size : 0]));

  scrubSecrets(process.env, ecosystem.SECRET_ENV_PARTS);
  const states = await withPm2(async (pm2) => {
    for (const app of apps) {
      await call((cb) => pm2.delete(app.name, cb)).catch(() => undefined);
      await call((cb) => pm2.start(app as StartOptions, cb));
    }
    const wrote = () => apps.every((app) => [app.out_file, app.error_file].some((file) => logTail(file, 1, offsets.get(file)).length > 0));
    return settle(() => processStates(pm2, apps.map((a) => a.name)), wrote);
  });

  out.line(`Started under pm2 (network ${node.name === node.url ? node.url : `${node.name}, ${node.url}`}):`);
  const width = Math.max(...states.map((s) => s.name.length));
  for (const state of states) {
    const app = apps.find((a) => a.name === state.name)!;
    const lines = [...logTail(app.out_file, 2, offsets.get(app.out_file)), ...logTail(app.error_file, 2, offsets.get(app.error_file))].map(withoutPm2Time);
    out.line(`  ${state.name.padEnd(width)}  ${describeState(state)}${lines.length ? `: ${lines.at(-1)}` : ''}`);
    if (!running(state)) for (const line of lines.slice(0, -1)) out.line(`  ${''.padEnd(width)}  ${line}`);
  }
  if (states.some((s) => !running(s))) {
    out.line(`A process is not running: its log is in ${logs} (npx pm2 logs NAME). Fix what it says and run npm start again.`);
    process.exitCode = 1;
  }
  out.line(nextStep(missingSettings(settings, parsed.settingsCells), parsed.data.users.length, workbook));
  out.line(
    `Logs: ${logs} (or npx pm2 logs). Status: valtrac status. Stop: npx pm2 stop valtrac-watch valtrac-snapshot.\n` +
      `To keep them running after a reboot: npx pm2 save && npx pm2 startup.`,
  );
}

/** Polls until every process has written and stayed up SETTLE_MS, one gave up (errored), or WAIT_MS passed. */
async function settle(states: () => Promise<ProcessState[]>, wrote: () => boolean): Promise<ProcessState[]> {
  const started = Date.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const now = await states();
    const waited = Date.now() - started;
    if ((waited >= SETTLE_MS && wrote()) || waited >= WAIT_MS || now.some((s) => s.status === 'errored')) return now;
  }
}

/** A log line without the time pm2 put in front of it (`2026-01-01T00:00:00: `): the report is about now. */
function withoutPm2Time(line: string): string {
  return line.replace(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)?: /, '');
}

function running(state: ProcessState): boolean {
  return state.status === 'online' && state.restarts === 0;
}

function describeState(state: ProcessState): string {
  if (state.status === null) return 'not in pm2';
  if (state.restarts > 0) return `${state.status}, restarted ${state.restarts} time(s) since start`;
  return state.status;
}

/** The one thing to do next, in the order of the README's first screen. */
function nextStep(missing: ReturnType<typeof missingSettings>, users: number, workbook: string): string {
  const first = missing[0];
  if (first) return `Next: fill in ${first.place} (${first.neededBy} needs it): ${first.command}`;
  if (users === 0) return `Next: add users: valtrac users add NAME ADDRESS (or valtrac import-users FILE.csv, or the Users sheet of ${workbook}).`;
  return 'Next: valtrac status (snapshots, problems, the open plan), then valtrac plan and valtrac confirm --dry-run.';
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
