import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/dist/bench/host.js → ../../..). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The test chain (test/bench/chainHost.ts, TypeScript) in a child process, run through bench/dist/bench/registerTs.js.
 * Requests go over IPC with an id; replies carry the same id.
 */
export class ChainHost {
  private nextId = 1;
  private readonly waiting = new Map<number, (result: unknown) => void>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: { id: number; result: unknown }) => {
      this.waiting.get(m.id)?.(m.result);
      this.waiting.delete(m.id);
    });
  }

  /** The simulated node (test/chain) with the scenario's validator at `nominators` nominators. */
  static start(seed: number, blockMs: number, nominators: number): Promise<ChainHost> {
    return ChainHost.fork('test/bench/chainHost.ts', [String(seed), 'devnet-346', '0', String(blockMs), String(nominators)], 'test chain');
  }

  /** A real subtensor runtime (spec 300 under chopsticks) with the scenario's validator seeded (test/bench/runtimeHost.ts). */
  static startRuntime(seed: number, nominators: number): Promise<ChainHost> {
    return ChainHost.fork('test/bench/runtimeHost.ts', [String(seed), String(nominators)], 'real runtime');
  }

  private static fork(file: string, args: string[], what: string): Promise<ChainHost> {
    const child = fork(path.join(REPO, file), args, {
      execArgv: ['--import', path.join(REPO, 'bench/dist/bench/registerTs.js')],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the bench's ${what} exited with ${code} before it was ready`)));
      child.once('message', (m: { result: { url: string } & Record<string, unknown> }) => {
        const host = new ChainHost(child, m.result.url);
        host.info = m.result;
        resolve(host);
      });
    });
  }

  /** What the host said when it was ready (for the real runtime: the hotkey and how many nominators it lists). */
  info: Record<string, unknown> = {};

  ask(cmd: string, extra: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, cmd, ...extra });
    });
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await Promise.race([this.ask('close'), exited]);
    this.child.kill();
  }
}
