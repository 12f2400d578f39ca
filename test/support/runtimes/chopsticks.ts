import fs from 'node:fs';
import path from 'node:path';
import { startChopsticks, type ChopsticksNode } from '../../../src/chain/chopsticks.js';
import { sharedDir } from '../sharedFiles.js';

/** The real subtensor runtimes kept beside the repository (../shared/subtensor/runtimes, see its README; VALTRAC_SHARED moves it). */
export const RUNTIMES_DIR = path.join(sharedDir(), 'subtensor', 'runtimes');

export type Spec = 103 | 218 | 300;

const GENESIS: Record<Spec, string> = {
  103: 'testfinney-spec103.genesis.json',
  218: 'raonet-spec218.genesis.json',
  300: 'raonet-spec218.genesis.json',
};

/** //Alice: spec 300's one-shot PoS migration panics unless she is the only Aura authority and holds 1 TAO or more. */
const ALICE_PUBLIC = '0xd43593c715fdd31c61141abd04a99fd6822c8558854ccde39a5684e7a56da27d';
const ALICE = '5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY';

export interface RuntimeOptions {
  /** Instant builds a block per transaction; Manual builds only on dev_newBlock. */
  blockMode?: 'Instant' | 'Manual';
}

export interface Runtime extends ChopsticksNode {
  spec: Spec;
}

/** Fails with a message that says what is missing, instead of a test that cannot start. */
export function requireRuntimes(): void {
  const missing = [...new Set(Object.values(GENESIS)), 'spec300.compressed.wasm'].filter((f) => !fs.existsSync(path.join(RUNTIMES_DIR, f)));
  if (missing.length > 0) {
    throw new Error(
      `the real-runtime tests need ${RUNTIMES_DIR} with ${missing.join(', ')} (the subtensor runtimes run under chopsticks, ` +
        'see its README): node scripts/fetch-runtimes.mjs PATH-TO-A-SUBTENSOR-CHECKOUT puts them there',
    );
  }
}

function config(spec: Spec, options: RuntimeOptions): Record<string, unknown> {
  const genesis = {
    'build-block-mode': options.blockMode ?? 'Instant',
    'allow-unresolved-imports': true,
    genesis: path.join(RUNTIMES_DIR, GENESIS[spec]),
  };
  if (spec !== 300) return genesis;
  return {
    ...genesis,
    'wasm-override': path.join(RUNTIMES_DIR, 'spec300.compressed.wasm'),
    'import-storage': {
      Aura: { Authorities: [ALICE_PUBLIC] },
      System: { Account: [[[ALICE], { providers: 1, data: { free: '1000000000000' } }]] },
    },
  };
}

/** Starts a real subtensor runtime under chopsticks on a free port; resolves once it serves JSON-RPC. */
export async function startRuntime(spec: Spec, options: RuntimeOptions = {}): Promise<Runtime> {
  requireRuntimes();
  return { spec, ...(await startChopsticks(config(spec, options))) };
}
