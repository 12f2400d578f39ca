import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../util/errors.js';
import { freePort } from '../util/freePort.js';

/**
 * chopsticks (@acala-network/chopsticks, a development dependency) runs a subtensor runtime's own wasm over a copy of a
 * chain's state: a fork of a live node to rehearse a payout on, or a runtime started from a genesis file in tests.
 */
export function chopsticksCli(): string {
  try {
    // The package exports only its code; its CLI sits at the package root, three folders above dist/cjs/index.js.
    const entry = createRequire(import.meta.url).resolve('@acala-network/chopsticks');
    return path.join(path.dirname(entry), '..', '..', 'chopsticks.cjs');
  } catch {
    throw new UserError(
      'rehearsing needs chopsticks, which is not installed here (an install with --omit=dev leaves it out): run ' +
        '`npm install --no-save @acala-network/chopsticks@1.5.1` in the ValTrac folder, then try again',
    );
  }
}

export interface ChopsticksNode {
  url: string;
  port: number;
  /** What chopsticks printed, for a message when something went wrong. */
  log(): string;
  stop(): Promise<void>;
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const START_TIMEOUT_MS = 90_000;

/**
 * Starts chopsticks with `config` (its config-file keys: `endpoint`/`block` to fork, or `genesis`...) on a free port of
 * 127.0.0.1 and resolves once it serves JSON-RPC. The node process is started directly in its own process group, so
 * stop() ends it and nothing else.
 */
export async function startChopsticks(config: Record<string, unknown>): Promise<ChopsticksNode> {
  const cli = chopsticksCli();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'valtrac-chopsticks-'));
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify({ host: '127.0.0.1', 'build-block-mode': 'Instant', ...config, port }));
    const child = spawn(process.execPath, [cli, '-c', file], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    try {
      await listening(child, output, port);
      return {
        port,
        url: `ws://127.0.0.1:${port}`,
        log: () => output.join(''),
        async stop() {
          await kill(child);
          fs.rmSync(dir, { recursive: true, force: true });
          for (let i = 0; i < 50 && (await portAnswers(port)); i++) await new Promise((r) => setTimeout(r, 100));
          if (await portAnswers(port)) throw new Error(`chopsticks still serves port ${port} after it was stopped`);
        },
      };
    } catch (error) {
      await kill(child);
      fs.rmSync(dir, { recursive: true, force: true });
      if (attempt < 3 && /EADDRINUSE/.test(output.join(''))) continue;
      throw error;
    }
  }
}

function listening(child: ChildProcess, output: string[], port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const fail = (why: string) => finish(new Error(`chopsticks ${why}. Its output:\n${output.join('').slice(-4000)}`));
    const timer = setTimeout(() => fail(`did not serve port ${port} within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output.push(text);
      if (/RPC listening on/.test(text)) finish();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before serving`));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  group('SIGTERM');
  const timer = setTimeout(() => group('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
