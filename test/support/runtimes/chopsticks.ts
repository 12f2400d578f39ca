import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { repoRoot, tempDir } from '../../helpers.js';

/** The real subtensor runtimes kept beside the repository (../shared/subtensor/runtimes, see its README). */
export const RUNTIMES_DIR = path.resolve(repoRoot, '..', 'shared', 'subtensor', 'runtimes');
const CHOPSTICKS = path.join(repoRoot, 'node_modules', '@acala-network', 'chopsticks', 'chopsticks.cjs');

export type Spec = 103 | 218 | 300;

const GENESIS: Record<Spec, string> = {
  103: 'testfinney-spec103.genesis.json',
  218: 'raonet-spec218.genesis.json',
  300: 'raonet-spec218.genesis.json',
};

/** //Alice: spec 300's one-shot PoS migration panics unless she is the only Aura authority and holds 1 TAO or more. */
const ALICE_PUBLIC = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

export interface RuntimeOptions {
  /** Instant builds a block per transaction; Manual builds only on dev_newBlock. */
  blockMode?: 'Instant' | 'Manual';
  /** Forks a running node instead of starting from a genesis file (what `confirm --rehearse` does). */
  endpoint?: string;
}

export interface Runtime {
  spec: Spec | 'fork';
  url: string;
  port: number;
  /** What chopsticks printed, for a failing test's message. */
  log(): string;
  stop(): Promise<void>;
}

/** Fails with a message that says what is missing, instead of a test that cannot start. */
export function requireRuntimes(): void {
  const missing = [...new Set(Object.values(GENESIS)), 'spec300.compressed.wasm'].filter((f) => !fs.existsSync(path.join(RUNTIMES_DIR, f)));
  if (missing.length > 0) {
    throw new Error(
      `the real-runtime tests need ${RUNTIMES_DIR} with ${missing.join(', ')} (the subtensor runtimes run under chopsticks, ` +
        'see its README); check out ../shared beside the repository',
    );
  }
  if (!fs.existsSync(CHOPSTICKS)) throw new Error(`chopsticks is not installed (${CHOPSTICKS}): run npm ci`);
}

function config(spec: Spec, port: number, options: RuntimeOptions): Record<string, unknown> {
  const base = {
    host: '127.0.0.1',
    port,
    'build-block-mode': options.blockMode ?? 'Instant',
    'allow-unresolved-imports': true,
  };
  if (options.endpoint) return { ...base, endpoint: options.endpoint };
  const genesis = { ...base, genesis: path.join(RUNTIMES_DIR, GENESIS[spec]) };
  if (spec !== 300) return genesis;
  return {
    ...genesis,
    'wasm-override': path.join(RUNTIMES_DIR, 'spec300.compressed.wasm'),
    'import-storage': {
      Aura: { Authorities: [ALICE_PUBLIC] },
      System: { Account: [[[ALICE], { providers: 1, data: { free: '1000000000000' } }]] },
    },
  };
}

/** A port nobody listens on now; chopsticks cannot pick its own (`--port 0` is not supported). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
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
 * Starts a real subtensor runtime under chopsticks on a free port and resolves once it serves JSON-RPC.
 * The node process is started directly in its own process group, so stop() ends it and nothing else.
 */
export async function startRuntime(spec: Spec, options: RuntimeOptions = {}): Promise<Runtime> {
  requireRuntimes();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const dir = tempDir(`chopsticks-${spec}`);
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, JSON.stringify(config(spec, port, options)));
    const child = spawn(process.execPath, [CHOPSTICKS, '-c', file], { cwd: dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    try {
      await listening(child, output, port);
      return handle(options.endpoint ? 'fork' : spec, port, child, output, dir);
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
    const timer = setTimeout(() => fail(`did not serve port ${port} within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`chopsticks ${why}. Its output:\n${output.join('').slice(-4000)}`));
    };
    const collect = (chunk: Buffer) => {
      output.push(chunk.toString('utf8'));
      if (/RPC listening on/.test(chunk.toString('utf8'))) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code, signal) => fail(`exited (${code ?? signal}) before serving`));
  });
}

function handle(spec: Spec | 'fork', port: number, child: ChildProcess, output: string[], dir: string): Runtime {
  return {
    spec,
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
