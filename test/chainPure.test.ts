import { describe, expect, it } from 'vitest';
import { alphaToTao, fromSafeFloat, fromU64F64, sharesToAlpha } from '../src/chain/fixedPoint.js';
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

describe('exact share arithmetic', () => {
  it('values U64F64 shares with one division at the end', () => {
    // 1/3 of a pool of 1,000,000,001 alpha, shares given as U64F64 bits (value * 2^64).
    const one = 1n << 64n;
    expect(sharesToAlpha(fromU64F64(one), 1_000_000_001n, fromU64F64(3n * one))).toBe(333_333_333n);
    // Fractional shares: 0.5 of 10 total shares of 7 alpha → 0.35 → 0.
    expect(sharesToAlpha(fromU64F64(one / 2n), 7n, fromU64F64(10n * one))).toBe(0n);
    expect(sharesToAlpha(fromU64F64(0n), 7n, fromU64F64(10n * one))).toBe(0n);
    expect(sharesToAlpha(fromU64F64(one), 7n, fromU64F64(0n))).toBe(0n);
  });

  it('mixes SafeFloat (mantissa * 10^exponent) with U64F64', () => {
    expect(fromSafeFloat(25n, -1n)).toEqual({ num: 25n, den: 10n });
    expect(fromSafeFloat(3n, 2n)).toEqual({ num: 300n, den: 1n });
    // 2.5 shares of a 10-share pool holding 1,000 alpha → 250.
    expect(sharesToAlpha(fromSafeFloat(25n, -1n), 1000n, fromU64F64(10n << 64n))).toBe(250n);
  });

  it('prices alpha in TAO, floored', () => {
    expect(alphaToTao(1_000_000_000n, { num: 12_345_678n, den: 1_000_000_000n })).toBe(12_345_678n);
    expect(alphaToTao(7n, { num: 1n, den: 2n })).toBe(3n);
    expect(alphaToTao(7n, { num: 0n, den: 1n })).toBe(0n);
  });
});
