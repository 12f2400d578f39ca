import { fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './host.js';

/** One line of the bench table. */
export interface Row {
  what: string;
  ms?: number;
  rssMb?: number;
  runs?: number;
  detail: string;
  target?: string;
  met?: boolean;
}

export interface Sample {
  ms: number;
  rssMb: number;
  details: Record<string, unknown>;
}

/**
 * Runs bench/dist/bench/task.js in a fresh process, so its time and peak RSS are its own; what it asks (the node's request
 * count and busy time, from the bench's proxy) is answered by `answer`.
 */
export function runTask(name: string, args: Record<string, unknown>, answer: (question: string) => unknown = () => null): Promise<Sample> {
  const child = fork(path.join(REPO, 'bench/dist/bench/task.js'), [name, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  let out = '';
  child.stdout!.on('data', (chunk) => (out += chunk));
  child.on('message', async (m: { ask: string }) => {
    child.send({ result: await answer(m.ask) });
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench task ${name} exited with ${code}`));
      const { ms, rssMb, ...details } = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; rssMb: number };
      resolve({ ms, rssMb, details });
    });
  });
}

/** Runs the real CLI (`node dist/cli.js ...`) under /usr/bin/time for its peak RSS; wall time from spawn to exit. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Sample & { code: number; stdout: string; stderr: string }> {
  return runNode([path.join(REPO, 'dist/cli.js'), ...args], env);
}

/** Runs `node ...args` under /usr/bin/time for its peak RSS; wall time from spawn to exit. */
export function runNode(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Sample & { code: number; stdout: string; stderr: string }> {
  const rssFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'valtrac-bench-rss-')), 'rss');
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, process.execPath, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const ms = performance.now() - start;
      const [rssKb, user, system] = fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      fs.rmSync(path.dirname(rssFile), { recursive: true, force: true });
      // The process's own CPU time: on a loaded machine it says what the wall time cannot.
      resolve({ ms, rssMb: rssKb! / 1024, details: { cpuMs: (user! + system!) * 1000 }, code: code ?? -1, stdout, stderr });
    });
  });
}

/** Peak RSS (MB) of a process still running (Linux), e.g. the watcher that answered a command. */
export function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Repeats `once` and keeps the median time and the largest RSS (the details of the median run). */
export async function repeat(runs: number, once: () => Promise<Sample>): Promise<Sample & { runs: number }> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await once());
  const ms = median(samples.map((s) => s.ms));
  const closest = samples.reduce((best, s) => (Math.abs(s.ms - ms) < Math.abs(best.ms - ms) ? s : best));
  return { ms, rssMb: Math.max(...samples.map((s) => s.rssMb)), details: closest.details, runs };
}

/** Bytes and count of the files in `dir` whose name passes `keep` (all by default). */
export function dirBytes(dir: string, keep: (name: string) => boolean = () => true): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const name of fs.readdirSync(dir).filter(keep)) {
    const stat = fs.statSync(path.join(dir, name));
    if (stat.isFile()) {
      bytes += stat.size;
      files++;
    }
  }
  return { bytes, files };
}
