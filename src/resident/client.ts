import net from 'node:net';
import { buildId, socketPath } from './socket.js';

/** One request: the command line as typed, where it was typed, and the build that typed it. */
export interface CommandRequest {
  args: string[];
  cwd: string;
  build: string;
  /** Run it after answering `accepted`, its output to the watcher's log: the asker does not wait (charts). */
  detach?: boolean;
}

/** What the watcher sends back, one JSON object a line: printed text, then the exit code (or why it declined). */
export type CommandReply = { out: string } | { err: string } | { exit: number } | { declined: string } | { accepted: true };

/**
 * Leaves the command to the watcher of `workbook` without waiting for it (the charts after a snapshot). Resolves
 * false when no watcher of this build takes it, so the caller runs it itself.
 */
export function handToWatcher(args: string[], workbook: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath(workbook));
    let buffered = '';
    const finish = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.once('connect', () => {
      const request: CommandRequest = { args, cwd: process.cwd(), build: buildId(), detach: true };
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      const end = buffered.indexOf('\n');
      if (end >= 0) finish('accepted' in (JSON.parse(buffered.slice(0, end)) as CommandReply));
    });
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}

/**
 * Asks the watcher of `workbook` to run the command and relays what it prints. Resolves its exit code, or null when
 * no watcher answers for this workbook and build, so that the caller runs the command itself.
 */
export function runInWatcher(args: string[], workbook: string): Promise<number | null> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath(workbook));
    let started = false;
    let buffered = '';
    let settled = false;
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(code);
    };
    socket.once('connect', () => {
      const request: CommandRequest = { args, cwd: process.cwd(), build: buildId() };
      socket.write(`${JSON.stringify(request)}\n`);
    });
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
        const reply = JSON.parse(buffered.slice(0, end)) as CommandReply;
        buffered = buffered.slice(end + 1);
        if ('declined' in reply) return finish(null);
        started = true;
        if ('out' in reply) process.stdout.write(reply.out);
        else if ('err' in reply) process.stderr.write(reply.err);
        else if ('exit' in reply) return finish(reply.exit);
      }
    });
    // No watcher (no socket, or a stale one): the CLI does the work. Cut off mid-command: say so, never run it twice.
    const ended = () => {
      if (settled) return;
      if (!started) return finish(null);
      process.stderr.write('valtrac: the watcher stopped while running the command; check the workbook and run it again.\n');
      finish(1);
    };
    socket.once('error', ended);
    socket.once('close', ended);
  });
}
