import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/**
 * Everything ValTrac prints goes through `out`: a line for the person (stdout) or a problem (stderr). While a command
 * runs for another process (the watcher answering the CLI) its lines go to that process's sink instead.
 */
export const out = {
  line(text: string): void {
    write('out', text);
  },
  problem(text: string): void {
    write('err', text);
  },
};

function write(stream: 'out' | 'err', text: string): void {
  const sink = current.getStore();
  if (sink) sink[stream](`${text}\n`);
  else (stream === 'out' ? process.stdout : process.stderr).write(`${text}\n`);
}

/** Where a command's printed lines go when it runs for another process (the watcher answering the CLI). */
export interface OutputSink {
  out(text: string): void;
  err(text: string): void;
}

const current = new AsyncLocalStorage<OutputSink>();
let routed = false;

/**
 * Runs `work` with everything it prints going to `sink`: through `out`, and through console for what a library prints
 * meanwhile; the process's own printing (the watcher's log) is untouched.
 */
export function withOutput<T>(sink: OutputSink, work: () => Promise<T>): Promise<T> {
  if (!routed) {
    routed = true;
    const original = { log: console.log, info: console.info, warn: console.warn, error: console.error };
    const route = (stream: 'out' | 'err', fallback: (...args: unknown[]) => void) => (...args: unknown[]) => {
      const sink = current.getStore();
      if (sink) sink[stream](`${format(...args)}\n`);
      else fallback(...args);
    };
    console.log = route('out', original.log);
    console.info = route('out', original.info);
    console.warn = route('err', original.warn);
    console.error = route('err', original.error);
  }
  return current.run(sink, work);
}

/** Runs `work` with the process's own output, also inside `withOutput` (the watcher logging what it runs for no one). */
export function ownOutput<T>(work: () => T): T {
  return current.exit(work);
}
