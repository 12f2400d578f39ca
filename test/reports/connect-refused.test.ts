import { describe, expect, test } from 'vitest';
import { connect } from '../../src/chain/connect.js';
import { freePort } from '../../src/util/freePort.js';

describe('a node that refuses the connection', () => {
  test('is reported, not waited on forever (Node 24 gives the refusal an empty message)', async () => {
    const url = `ws://127.0.0.1:${await freePort()}`;
    await expect(connect(url, { giveUpAfterMs: 0, log: () => undefined })).rejects.toThrow(/cannot reach the subtensor node at .*connection refused/);
  }, 20_000);
});
