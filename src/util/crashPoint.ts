/**
 * Test hook for crash safety: with VALTRAC_TEST_CRASH_AT=<point>, the process kills itself with SIGKILL at that point,
 * exactly as a power cut or `kill -9` would, so tests can prove that a rerun pays everyone exactly once (and that a
 * snapshot record cut off between its two files is written whole on the next run).
 */
export type CrashPoint = 'before-send' | 'after-send' | 'after-inclusion' | 'record-after-dictionary';

export function crashPoint(point: CrashPoint): void {
  if (process.env.VALTRAC_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
