import { describe, expect, it } from 'vitest';
import { findSettingRow, missingSettings, networkAdvice, networkUrl, settingAdvice, settingOption, settingPlace, DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import { closest, editDistance } from '../../src/domain/suggest.js';

describe('closest ("did you mean")', () => {
  it.each([
    ['finny', ['local', 'finney', 'test', 'archive'], 'finney'],
    ['Finey', ['local', 'finney', 'test', 'archive'], 'finney'],
    ['archve', ['local', 'finney', 'test', 'archive'], 'archive'],
    ['tset', ['local', 'finney', 'test', 'archive'], 'test'],
    ['mainnet', ['local', 'finney', 'test', 'archive'], null],
    ['Carl', ['Alice', 'Bob', 'Carol'], 'Carol'],
    ['Alcie', ['Alice', 'Bob', 'Carol'], 'Alice'],
    ['mallory', ['alice', 'bob', 'carol'], null],
    ['bo', ['Alice', 'Bob'], 'Bob'],
    ['', ['Alice'], null],
  ] as const)('%s among %j -> %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('alcie', 'alice')).toBe(1);
    expect(editDistance('finny', 'finney')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('Settings names and places', () => {
  it('archive is a network, as btcli names it', () => {
    expect(networkUrl('archive')).toBe('wss://archive.chain.opentensor.ai:443');
    expect(networkAdvice('finny')).toBe('Did you mean finney? Use local, finney, test, archive or a node URL such as ws://127.0.0.1:9944 or wss://host:443.');
  });

  it('a setting answers to its option name, key, label and unique last word', () => {
    expect(settingOption('payoutColdkey')).toBe('payout-coldkey');
    for (const name of ['payout-coldkey', 'payoutColdkey', 'Payout coldkey', 'COLDKEY']) expect(findSettingRow(name)?.key).toBe('payoutColdkey');
    expect(findSettingRow('interval')?.key).toBe('snapshotInterval');
    expect(findSettingRow('nothing')).toBeNull();
    expect(settingAdvice('intervall')).toMatch(/^Did you mean snapshot-interval\? The settings are hotkey, network, snapshot-interval, payout-coldkey, tax-mode/);
  });

  it('names the cell of a setting, and the empty ones with the command that fills them in', () => {
    expect(settingPlace('payoutColdkey', 'B6')).toBe('Settings!B6 (Payout coldkey)');
    expect(settingPlace('hotkey', undefined)).toBe('Settings (Validator hotkey, no row yet)');
    expect(missingSettings(DEFAULT_SETTINGS, { hotkey: 'B3', payoutColdkey: 'B9' })).toEqual([
      { key: 'hotkey', place: 'Settings!B3 (Validator hotkey)', neededBy: 'snapshot (and so plan)', command: 'valtrac settings set hotkey 5F...your-validator-hotkey' },
      { key: 'payoutColdkey', place: 'Settings!B9 (Payout coldkey)', neededBy: 'confirm', command: 'valtrac settings set payout-coldkey 5F...the-coldkey-that-pays' },
    ]);
  });
});
