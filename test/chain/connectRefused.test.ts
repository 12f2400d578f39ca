import { describe, expect, test } from 'vitest';
import { connect } from '../../src/chain/connect.js';
import { freePort } from '../../src/util/freePort.js';

describe('a node that refuses the connection', () => {
  // On Node 24, @polkadot/api took Node's own WebSocket, whose refusal carries no cause, and never settled.
  test('is reported with its cause, not waited on forever', async () => {
    const url = `ws://127.0.0.1:${await freePort()}`;
    await expect(connect(url, { giveUpAfterMs: 0, log: () => undefined })).rejects.toThrow(/cannot reach the subtensor node at ws:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED; gave up/);
  }, 20_000);
});
