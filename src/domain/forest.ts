import { layers, referrerOf } from './referrals.js';
import type { Referral } from './types.js';

export interface ForestNode {
  name: string;
  /** 1 = referred by nobody. */
  layer: number;
  /** Top to bottom: each tree depth first, referees under their referrer, in name order. */
  row: number;
}

export interface ForestEdge {
  referrer: string;
  referee: string;
  taxPpm: bigint;
}

/**
 * The referral graph laid out as a forest: one row per person, columns by layer. Names on a cycle have no layer and
 * are left out (the cycle is a problem in the workbook until it is fixed).
 */
export function referralForest(referrals: Referral[]): { nodes: ForestNode[]; edges: ForestEdge[] } {
  const layer = layers(referrals);
  const parent = referrerOf(referrals);
  const children = new Map<string, string[]>();
  for (const [referee, edge] of parent) {
    if (!layer.has(referee)) continue;
    children.set(edge.referrer, [...(children.get(edge.referrer) ?? []), referee]);
  }
  const order = (names: Iterable<string>) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const nodes: ForestNode[] = [];
  const visit = (name: string) => {
    nodes.push({ name, layer: layer.get(name)!, row: nodes.length });
    for (const child of order(children.get(name) ?? [])) visit(child);
  };
  for (const root of order([...layer.keys()].filter((n) => layer.get(n) === 1))) visit(root);
  const shown = new Set(nodes.map((n) => n.name));
  const edges = [...parent.values()]
    .filter((e) => shown.has(e.referee) && shown.has(e.referrer))
    .map((e) => ({ referrer: e.referrer, referee: e.referee, taxPpm: e.taxPpm }));
  return { nodes, edges };
}
