import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { afterAll, beforeAll } from 'vitest';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(REPO, 'dist/cli.js');

// One HOME for every command a test file runs, apart from the workbook's folder: what a command leaves there (e.g.
// ~/.pm2) is not the workbook's business. Removed when the test process ends.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'valtrac-home-'));
process.on('exit', () => fs.rmSync(home, { recursive: true, force: true }));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a person would (`npm test` builds first), in `cwd`, with a clean environment plus `env`. */
export function valtrac(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`);
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { PATH: process.env.PATH, HOME: home, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  child.stdin.end(opts.input ?? '');
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 90_000);
  return new Promise((resolve) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}

export function tempDir(prefix = 'valtrac-faults-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Every file under `dir` with its sha256, so a test can prove a failed command wrote nothing at all. */
export function treeDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) out[path.relative(dir, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/** Deterministic valid Bittensor addresses (prefix 42) for test users. */
export function address(n: number, prefix = 42): string {
  const key = new Uint8Array(32);
  key[0] = 7;
  key[28] = (n >> 24) & 0xff;
  key[29] = (n >> 16) & 0xff;
  key[30] = (n >> 8) & 0xff;
  key[31] = n & 0xff;
  return encodeAddress(key, prefix);
}

/** The same address with one base58 character changed: right length and alphabet, wrong checksum. */
export function mistyped(valid: string): string {
  const i = 20;
  return `${valid.slice(0, i)}${valid[i] === 'a' ? 'b' : 'a'}${valid.slice(i + 1)}`;
}

export async function devAccount(uri = '//Alice') {
  await cryptoWaitReady();
  return new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(uri);
}

/** Opens a workbook, lets `edit` change it as a person would, and saves it the way an editor does (new file, renamed over). */
export async function editWorkbook(file: string, edit: (book: Xlsx.Workbook) => void | Promise<void>): Promise<void> {
  const book = new Xlsx.Workbook();
  await book.xlsx.readFile(file);
  await edit(book);
  const temp = path.join(path.dirname(file), `.person-edit-${process.pid}.tmp`);
  await book.xlsx.writeFile(temp);
  fs.renameSync(temp, file);
}

export async function readSheet(file: string, sheet: string): Promise<string[][]> {
  const book = new Xlsx.Workbook();
  await book.xlsx.readFile(file);
  const rows: string[][] = [];
  book.getWorksheet(sheet)?.eachRow((row, r) => {
    rows[r - 1] = (row.values as unknown[]).slice(1).map((v) => (v === null || v === undefined ? '' : typeof v === 'object' && v && 'text' in v ? String((v as { text: unknown }).text) : String(v)));
  });
  return rows.map((r) => r ?? []);
}

/** A fresh workbook with users Alice, Bob, Carol, Dave (addresses 1..5) and referrals Alice→Bob 10, Bob→Carol 20. */
export async function baseWorkbook(dir: string, hotkey = address(999)): Promise<string> {
  const workbook = path.join(dir, 'valtrac.xlsx');
  const csv = path.join(dir, 'users.csv');
  fs.writeFileSync(csv, `Name,Address1,Address2\nAlice,${address(1)},${address(5)}\nBob,${address(2)}\nCarol,${address(3)}\nDave,${address(4)}\n`);
  for (const args of [
    ['init', '--hotkey', hotkey],
    ['import-users', csv],
    ['referrals', 'add', 'Alice', 'Bob', '10'],
    ['referrals', 'add', 'Bob', 'Carol', '20'],
  ]) {
    const result = await valtrac([...args, '--workbook', workbook], { cwd: dir });
    if (result.code !== 0) throw new Error(`setup: valtrac ${args.join(' ')} failed: ${result.stderr}${result.stdout}`);
  }
  fs.rmSync(csv);
  return workbook;
}

/** Copies a prepared workbook folder (workbook, records, backups) into a fresh temp folder. */
export function copyFolder(from: string): string {
  const to = tempDir();
  fs.cpSync(from, to, { recursive: true });
  return to;
}

/**
 * For a test file whose tests each start from the base workbook: makes it once (beforeAll, then `prepare` on it), gives
 * each call a fresh copy of its folder, and removes them all after the file's tests.
 */
export function baseWorkbookCopies(prepare?: (dir: string) => Promise<void>): () => { dir: string; workbook: string } {
  let base = '';
  const folders: string[] = [];
  beforeAll(async () => {
    base = tempDir();
    await baseWorkbook(base);
    await prepare?.(base);
  }, 180_000);
  afterAll(() => {
    for (const dir of [base, ...folders]) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = copyFolder(base);
    folders.push(dir);
    return { dir, workbook: path.join(dir, 'valtrac.xlsx') };
  };
}
