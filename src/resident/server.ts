import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ownOutput, withOutput, type OutputSink } from '../util/output.js';
import type { CommandReply, CommandRequest } from './client.js';
import { buildId, socketPath } from './socket.js';

/**
 * Runs one command line in this process for a request (output through console); resolves the exit code. With
 * `check`, only says whether it would run it ('declined' or 0) without running it.
 */
export type CommandRunner = (args: string[], request: { cwd: string; workbook: string; check?: boolean }) => Promise<number | 'declined'>;

let runner: { run: CommandRunner; load: () => Promise<unknown> } | null = null;

/**
 * The CLI's entry hands over how it runs a command line and how it loads the commands a watcher answers, for the
 * watcher it may start (the table lives there).
 */
export function provideCommandRunner(run: CommandRunner, load: () => Promise<unknown>): void {
  runner = { run, load };
}

export function commandRunner(): { run: CommandRunner; load: () => Promise<unknown> } {
  if (!runner) throw new Error('no command runner: the CLI entry provides it before running a command');
  return runner;
}

/**
 * The watcher's command socket: a CLI started for the same workbook and build hands it the command (plan, check)
 * and prints what comes back, so the command runs in a process whose modules, workbook and node connection are
 * already loaded. One command at a time; the watcher's own checks go on beside them under the workbook's lock.
 */
export class CommandServer {
  private server: net.Server | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly path: string;
  private readonly build = buildId();

  constructor(
    private readonly workbook: string,
    private readonly run: CommandRunner,
    private readonly log: (line: string) => void,
  ) {
    this.path = socketPath(workbook);
  }

  /** Listens; returns false (and serves nothing) when another live watcher already answers for this workbook. */
  async start(): Promise<boolean> {
    if (await answering(this.path)) return false;
    fs.rmSync(this.path, { force: true });
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    // Only the owner may ask: the socket runs commands that write the workbook.
    fs.chmodSync(this.path, 0o600);
    this.server = server;
    return true;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.queue;
  }

  private accept(socket: net.Socket): void {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end < 0) return;
      socket.off('data', onData);
      let request: CommandRequest;
      try {
        request = JSON.parse(buffered.slice(0, end)) as CommandRequest;
      } catch {
        socket.destroy();
        return;
      }
      this.queue = this.queue.then(() => this.answer(socket, request));
    };
    socket.on('data', onData);
    socket.on('error', () => undefined); // a client gone away: its command still finishes
  }

  private async answer(socket: net.Socket, request: CommandRequest): Promise<void> {
    const send = (reply: CommandReply) => {
      if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
    };
    if (request.build !== this.build || !Array.isArray(request.args)) {
      send({ declined: 'another build of ValTrac' });
      socket.end();
      return;
    }
    const where = { cwd: request.cwd, workbook: path.resolve(this.workbook) };
    let sink: OutputSink = { out: (text) => send({ out: text }), err: (text) => send({ err: text }) };
    if (request.detach) {
      if ((await this.run(request.args, { ...where, check: true })) === 'declined') {
        send({ declined: 'another workbook' });
        socket.end();
        return;
      }
      send({ accepted: true });
      socket.end();
      const log = (text: string) => ownOutput(() => this.log(text.trimEnd()));
      sink = { out: log, err: log };
    }
    const started = performance.now();
    const code = await withOutput(sink, () => this.run(request.args, where));
    send(code === 'declined' ? { declined: 'another workbook' } : { exit: code });
    socket.end();
    if (code !== 'declined') this.log(`answered "valtrac ${request.args.join(' ')}" (exit ${code}, ${((performance.now() - started) / 1000).toFixed(2)} s)`);
  }
}

/** Whether a process listens on the socket (a file left by a killed watcher answers nothing). */
function answering(file: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
