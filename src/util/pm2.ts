import fs from 'node:fs';
import nodePath from 'node:path';
import type pm2 from 'pm2';
import { UserError } from './errors.js';

export type Pm2 = typeof pm2;

/** ValTrac's two pm2 processes, as ecosystem.config.js names them. */
export const WATCHER = 'valtrac-watch';
export const SNAPSHOTTER = 'valtrac-snapshot';

export function call<T = unknown>(fn: (cb: (error: Error | null, result?: T) => void) => void): Promise<T | undefined> {
  return new Promise((resolve, reject) => fn((error, result) => (error ? reject(error) : resolve(result))));
}

/**
 * Runs `work` connected to pm2's daemon (starting it if needed). pm2 is imported only here: importing it costs ~1.5 s
 * and creates ~/.pm2 as a side effect, which every other command (check, plan, the watcher's restarts) must not pay for.
 */
export async function withPm2<T>(work: (client: Pm2) => Promise<T>): Promise<T> {
  // pm2 is CommonJS: its API is the default export of the ESM view.
  const client = ((await import('pm2')) as unknown as { default: Pm2 }).default;
  await call((cb) => client.connect(cb)).catch((error: unknown) => {
    throw new UserError(`cannot reach pm2 (${(error as Error).message}). Try: npx pm2 ping`);
  });
  try {
    return await work(client);
  } finally {
    client.disconnect();
  }
}

export interface ProcessState {
  name: string;
  /** pm2's status (online, launching, errored, stopped, ...), or null when pm2 has no such process (for this workbook). */
  status: string | null;
  restarts: number;
  outLog: string | null;
  errorLog: string | null;
  /** The workbooks that pm2 processes of this name serve instead, when none serves the one asked about. */
  elsewhere: string[];
}

/** The workbook a pm2 process of ValTrac serves: its --workbook argument (or the default) from its working folder. */
export function servedWorkbook(env: { pm_cwd?: string; args?: string | string[] } | undefined): string | null {
  if (!env?.pm_cwd) return null;
  const args = Array.isArray(env.args) ? env.args : typeof env.args === 'string' ? env.args.split(/\s+/) : [];
  let workbook = 'workbook/valtrac.xlsx';
  args.forEach((arg, i) => {
    if (arg === '--workbook' && args[i + 1] !== undefined) workbook = args[i + 1]!;
    else if (arg.startsWith('--workbook=')) workbook = arg.slice('--workbook='.length);
  });
  return nodePath.resolve(env.pm_cwd, workbook);
}

/**
 * pm2's processes of these names; with `workbook`, only one that serves that workbook counts (another project's
 * valtrac-watch on the same machine watches another file), and the others are listed in `elsewhere`.
 */
export async function processStates(client: Pm2, names: readonly string[], workbook?: string): Promise<ProcessState[]> {
  const states: ProcessState[] = [];
  const wanted = workbook === undefined ? null : nodePath.resolve(workbook);
  for (const name of names) {
    const all = (await call<pm2.ProcessDescription[]>((cb) => client.describe(name, cb))) ?? [];
    const serves = (d: pm2.ProcessDescription) => servedWorkbook(d.pm2_env as { pm_cwd?: string; args?: string | string[] } | undefined);
    const found = wanted === null ? all[0] : all.find((d) => serves(d) === wanted);
    const env = found?.pm2_env;
    states.push({
      name,
      status: env?.status ?? null,
      restarts: env?.restart_time ?? 0,
      outLog: env?.pm_out_log_path ?? null,
      errorLog: env?.pm_err_log_path ?? null,
      elsewhere: found ? [] : all.flatMap((d) => serves(d) ?? []),
    });
  }
  return states;
}

/** The last `count` non-empty lines of a log file from byte `from` on (what a process wrote since then). */
export function logTail(file: string | null, count: number, from = 0): string[] {
  if (!file || !fs.existsSync(file)) return [];
  const size = fs.statSync(file).size;
  const start = Math.max(from, size - 64 * 1024);
  if (start >= size) return [];
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(size - start);
    fs.readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString('utf8').split('\n').filter((l) => l.trim() !== '').slice(-count);
  } finally {
    fs.closeSync(fd);
  }
}
