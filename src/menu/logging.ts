import path from 'node:path';
import { startProcesses } from '../commands/start.js';
import { call, processStates, SNAPSHOTTER, withPm2 } from '../util/pm2.js';
import type { Prompter } from './prompter.js';

async function snapshotterStatus(): Promise<string | null> {
  return (await withPm2((client) => processStates(client, [SNAPSHOTTER])))[0]!.status;
}

/** 1: start logging (`valtrac start`: the snapshotter and the watcher under pm2) or stop the snapshotter. */
export async function loggingMenu(p: Prompter, workbook: string): Promise<void> {
  const status = await snapshotterStatus();
  if (status === 'online' || status === 'launching') {
    p.print(`Logging is running (pm2 process ${SNAPSHOTTER}).`);
    if (await p.confirm('Stop logging?')) {
      await withPm2((client) => call((cb) => client.stop(SNAPSHOTTER, cb)));
      p.print(`Stopped ${SNAPSHOTTER}. Start it again with 1, or: npx pm2 start ${SNAPSHOTTER}`);
    }
    return;
  }
  p.print(status ? `Logging is ${status} (pm2 process ${SNAPSHOTTER}).` : 'Logging is not running.');
  if (await p.confirm('Start logging under pm2?', true)) {
    await startProcesses({ workbook: path.resolve(workbook) });
  }
}
