/**
 * Case 5 of issue 11: a stale `.valtrac-write.lock` with odd contents, and the leftovers of a killed writer. Every
 * command must get past a lock whose owner is gone (trailing newline, empty, garbage, a dead pid, a pid now used by
 * another process) instead of spinning, and remove the temp files and moved-aside locks a killed process left.
 * Through the real CLI; the "other process" is a real `sleep`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, baseWorkbookCopies, readSheet, valtrac } from './helpers.js';

let sleeper: ChildProcess;
const HOUR_AGO = new Date(Date.now() - 3_600_000);

/** A pid that was a process a moment ago and is not any more. */
function deadPid(): number {
  const pid = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
  expect(() => process.kill(pid, 0)).toThrow();
  return pid;
}

const copy = baseWorkbookCopies();

beforeAll(() => {
  sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
});

afterAll(() => {
  sleeper?.kill('SIGKILL');
});

function folder(): { dir: string; workbook: string; lock: string } {
  const { dir, workbook } = copy();
  return { dir, workbook, lock: path.join(dir, '.valtrac-write.lock') };
}

const owner = (pid: number, extra: Record<string, unknown> = {}) => JSON.stringify({ pid, time: HOUR_AGO.toISOString(), ...extra });

const locks: Array<[string, () => string, { old?: boolean }]> = [
  ['a dead owner and a trailing newline', () => `${owner(deadPid())}\n`, {}],
  ['a dead owner, CRLF and spaces', () => `  ${owner(deadPid())}\r\n\r\n`, {}],
  ['a dead owner', () => owner(deadPid()), {}],
  ['nothing (a crash between create and write)', () => '', { old: true }],
  ['garbage', () => 'not a lock \u0000\u00ff{{{', { old: true }],
  ['JSON without a pid', () => '{"time":"yesterday"}', { old: true }],
  ['a pid now used by another process, which started after the lock was written', () => owner(sleeper.pid!), { old: true }],
  ['a pid now used by another process than the one whose start it records', () => owner(sleeper.pid!, { start: '1' }), {}],
];

describe('a stale write lock', () => {
  it.each(locks)('holding %s: users add clears it and writes', { timeout: 120_000 }, async (_name, content, { old }) => {
    const { dir, workbook, lock } = folder();
    fs.writeFileSync(lock, content());
    if (old) fs.utimesSync(lock, HOUR_AGO, HOUR_AGO);
    const r = await valtrac(['users', 'add', 'Erin', address(6), '--workbook', workbook], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Added Erin \(written to/);
    expect(fs.existsSync(lock)).toBe(false);
    expect((await readSheet(workbook, 'Users')).map((row) => row[0])).toContain('Erin');
  });
});

describe('leftovers of a killed writer', () => {
  it('temp files and moved-aside locks of dead processes are removed by the next command; a live one stays', { timeout: 120_000 }, async () => {
    const { dir, workbook } = folder();
    const dead = deadPid();
    const leftovers = [`.valtrac-write-${dead}-1764000000000.tmp`, `.valtrac-write-${dead}-1764000000001.tmp`, `.valtrac-write.lock.stale-${dead}`];
    for (const name of leftovers) fs.writeFileSync(path.join(dir, name), 'half a workbook');
    const live = `.valtrac-write.lock.stale-${sleeper.pid}`;
    fs.writeFileSync(path.join(dir, live), owner(sleeper.pid!));
    const someoneElses = '.valtrac-write-notes.txt';
    fs.writeFileSync(path.join(dir, someoneElses), 'not ours');

    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir, timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    for (const name of leftovers) expect(fs.existsSync(path.join(dir, name)), name).toBe(false);
    expect(fs.existsSync(path.join(dir, live))).toBe(true);
    expect(fs.existsSync(path.join(dir, someoneElses))).toBe(true);
  });
});
