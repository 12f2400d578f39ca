import { UserError } from '../util/errors.js';

/** A node that prunes state (the default keeps ~256 blocks) cannot answer for older blocks. */
export class StateUnavailableError extends UserError {
  constructor(
    readonly block: string,
    readonly nodeMessage: string,
  ) {
    super(
      `the node no longer has the state of block ${block} (it answered: ${nodeMessage.trim()}). ` +
        `A default subtensor node keeps only about the last 256 blocks; to read older blocks point --network ` +
        `at an archive node (subtensor started with --pruning archive).`,
    );
    this.name = 'StateUnavailableError';
  }
}

const PRUNED = /state already discarded|state not available|unknown block|unknownblock|header was not found|block not found/i;

export function isStateUnavailable(error: unknown): boolean {
  return error instanceof Error && PRUNED.test(error.message);
}

/** Runs a read at `block`, turning the node's various "pruned" answers into one clear error. */
export async function atBlock<T>(block: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (isStateUnavailable(error)) throw new StateUnavailableError(block, (error as Error).message);
    throw error;
  }
}
