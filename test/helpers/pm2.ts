import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers.js';

const run = promisify(execFile);
const PM2_BIN = path.join(repoRoot, 'node_modules', 'pm2', 'bin', 'pm2');

/** Where pm2 keeps its daemon when PM2_HOME is not set: the owner's, which no test may reach. */
export function defaultPm2Home(home = os.homedir()): string {
  return path.join(home, '.pm2');
}

/**
 * The only way the suite runs pm2: with a PM2_HOME of the test's own, made before anything else so that a cleanup
 * after a failed start still speaks to that private daemon. Refuses a missing PM2_HOME and the default one (~/.pm2),
 * where a `pm2 kill` would stop the owner's running ValTrac.
 */
export function privatePm2(pm2Home: string | undefined, env: NodeJS.ProcessEnv = process.env): (...args: string[]) => Promise<string> {
  if (!pm2Home) throw new Error('privatePm2: no PM2_HOME given; a test must never run pm2 against the default ~/.pm2');
  const resolved = path.resolve(pm2Home);
  // The homes of the person running the tests (a test's own temporary HOME may keep its pm2 in its .pm2).
  for (const home of new Set([os.homedir(), process.env.HOME].filter((h): h is string => Boolean(h)))) {
    if (resolved === path.resolve(defaultPm2Home(home))) throw new Error(`privatePm2: ${resolved} is the default PM2_HOME (the owner's pm2); give the test its own`);
  }
  fs.mkdirSync(resolved, { recursive: true });
  return async (...args) => (await run(process.execPath, [PM2_BIN, ...args], { env: { ...env, PM2_HOME: resolved } })).stdout;
}
