import type { Referral } from './types.js';

/**
 * Each referee's referrer, taken from the first row that names the referee (later rows are a "second referrer" problem).
 * Self-referrals are left out: they are reported on their own.
 */
export function referrerOf(referrals: Referral[]): Map<string, Referral> {
  const parent = new Map<string, Referral>();
  for (const edge of [...referrals].sort((a, b) => a.row - b.row)) {
    if (edge.referrer === edge.referee || parent.has(edge.referee)) continue;
    parent.set(edge.referee, edge);
  }
  return parent;
}

/**
 * Every cycle of referrals, each as names in referral order (referrer first, the first name not repeated at the end),
 * starting from the edge with the lowest row.
 */
export function cycles(referrals: Referral[]): Array<{ names: string[]; row: number }> {
  const parent = referrerOf(referrals);
  const state = new Map<string, 'active' | 'done'>();
  const found: Array<{ names: string[]; row: number }> = [];
  for (const start of parent.keys()) {
    const path: string[] = [];
    let node: string | undefined = start;
    while (node !== undefined && !state.has(node)) {
      state.set(node, 'active');
      path.push(node);
      node = parent.get(node)?.referrer;
    }
    if (node !== undefined && state.get(node) === 'active') {
      // Walking referee -> referrer; the cycle is the tail of the path from `node`, reversed to read referrer -> referee.
      const loop = path.slice(path.indexOf(node)).reverse();
      const rows = loop.map((name) => parent.get(name)!.row);
      const first = rows.indexOf(Math.min(...rows));
      // parent.get(loop[first]) is the edge into loop[first]; start at its referrer.
      const startAt = (first - 1 + loop.length) % loop.length;
      found.push({ names: [...loop.slice(startAt), ...loop.slice(0, startAt)], row: Math.min(...rows) });
    }
    for (const name of path) state.set(name, 'done');
  }
  return found.sort((a, b) => a.row - b.row);
}

/**
 * The layer of every name in the referral graph: layer 1 = referrers who are nobody's referee, a referee is one layer
 * below their referrer. Names on or below a cycle have no layer (the cycle is a problem to fix first).
 */
export function layers(referrals: Referral[]): Map<string, number> {
  const parent = referrerOf(referrals);
  const result = new Map<string, number>();
  const names = new Set<string>();
  for (const edge of referrals) {
    if (edge.referrer === edge.referee) continue;
    names.add(edge.referrer);
    names.add(edge.referee);
  }
  for (const name of names) {
    const chain: string[] = [];
    const seen = new Set<string>();
    let node: string | undefined = name;
    let base = 0;
    while (node !== undefined) {
      if (result.has(node)) {
        base = result.get(node)!;
        break;
      }
      if (seen.has(node)) {
        base = -1;
        break;
      }
      seen.add(node);
      chain.push(node);
      node = parent.get(node)?.referrer;
    }
    if (base < 0) continue;
    chain.reverse().forEach((n, i) => result.set(n, base + i + 1));
  }
  return result;
}
