import fs from 'node:fs';

/**
 * What /proc (Linux) tells about other processes. Elsewhere every function answers "cannot tell" (null), and callers
 * fall back to what they can tell without it.
 */

/** /proc reports times in USER_HZ ticks, which is 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

function bootTimeMs(): number | null {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('btime '));
    return line ? Number(line.slice(6)) * 1000 : null;
  } catch {
    return null;
  }
}

/** When process `pid` started: the raw tick count (exact, to tell a reused pid) and, where known, the time. */
export function processStart(pid: number): { ticks: string; atMs: number | null } | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields[19];
  if (ticks === undefined || !/^\d+$/.test(ticks)) return null;
  const boot = bootTimeMs();
  return { ticks, atMs: boot === null ? null : boot + (Number(ticks) / TICKS_PER_SECOND) * 1000 };
}

/** Every process's command line (argv), or null where /proc cannot be read. */
export function commandLines(): { pid: number; argv: string[] }[] | null {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  const found: { pid: number; argv: string[] }[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
      if (argv.length > 0) found.push({ pid: Number(entry), argv });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}
