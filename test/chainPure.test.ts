import { describe, expect, it } from 'vitest';
import { alphaToTao } from '../src/chain/fixedPoint.js';
import { resolveNetwork } from '../src/chain/networks.js';

describe('networks', () => {
  it('knows btcli names and accepts ws(s) URLs', () => {
    expect(resolveNetwork(undefined)).toEqual({ name: 'local', url: 'ws://127.0.0.1:9944' });
    expect(resolveNetwork('finney').url).toBe('wss://entrypoint-finney.opentensor.ai:443');
    expect(resolveNetwork('Test').url).toBe('wss://test.finney.opentensor.ai:443');
    expect(resolveNetwork('ws://10.0.0.5:9944').url).toBe('ws://10.0.0.5:9944');
    expect(resolveNetwork('wss://archive.example.org:443/').url).toBe('wss://archive.example.org:443/');
  });

  it('names the argument and the fix for anything else', () => {
    expect(() => resolveNetwork('mainnet')).toThrow(/--network: "mainnet" is not a network\. Use local, finney, test/);
    expect(() => resolveNetwork('http://127.0.0.1:9944', 'Settings: network')).toThrow(/^Settings: network: /);
    // Names are looked up as the table's own keys, never as properties every object has.
    expect(() => resolveNetwork('constructor')).toThrow(/"constructor" is not a network/);
    expect(() => resolveNetwork('wss://')).toThrow(/is not a network/);
  });
});

describe('price arithmetic', () => {
  it('prices alpha in TAO, floored', () => {
    expect(alphaToTao(1_000_000_000n, { num: 12_345_678n, den: 1_000_000_000n })).toBe(12_345_678n);
    expect(alphaToTao(7n, { num: 1n, den: 2n })).toBe(3n);
    expect(alphaToTao(7n, { num: 0n, den: 1n })).toBe(0n);
  });
});
