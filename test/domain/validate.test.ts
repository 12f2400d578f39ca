import { base58Decode, base58Encode, decodeAddress, encodeAddress } from '@polkadot/util-crypto';
import { describe, expect, it } from 'vitest';
import { checkAddress } from '../../src/domain/address.js';
import { cycles, layers } from '../../src/domain/referrals.js';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import { parseTax, taxCell, taxInRange, formatTaxPercent } from '../../src/domain/tax.js';
import type { Referral, User } from '../../src/domain/types.js';
import { validateReferrals, validateUsers, validateWorkbook } from '../../src/domain/validate.js';
import { addresses } from '../helpers.js';

const sr = await addresses(6, 'sr25519');
const ed = await addresses(2, 'ed25519');

/** Flips one character of the checksum end while staying inside the base58 alphabet. */
function badChecksum(address: string): string {
  const bytes = base58Decode(address);
  bytes[bytes.length - 1] ^= 0x01;
  return base58Encode(bytes);
}

describe('checkAddress', () => {
  it('accepts sr25519 and ed25519 keys encoded with prefix 42', () => {
    for (const address of [sr[0]!, ed[0]!]) expect(checkAddress(address)).toEqual({ ok: true, address });
  });

  it.each([
    ['bad checksum', () => badChecksum(sr[0]!), /checksum/],
    ['prefix 0 (Polkadot)', () => encodeAddress(decodeAddress(sr[0]!), 0), /prefix 0\b.*Bittensor uses prefix 42/],
    ['prefix 2 (Kusama)', () => encodeAddress(decodeAddress(sr[0]!), 2), /prefix 2\b/],
    ['47 characters', () => sr[0]!.slice(0, 47), /47 characters long/],
    ['49 characters', () => `${sr[0]!}a`, /49 characters long/],
    ['a character outside base58', () => `0${sr[0]!.slice(1)}`, /character "0"/],
    ['empty', () => '', /empty/],
    ['leading space', () => ` ${sr[0]!}`, /space.*position 1.*valid address/],
    ['zero-width space inside', () => `${sr[0]!.slice(0, 10)}\u200B${sr[0]!.slice(10)}`, /invisible character at position 11/],
    ['trailing newline', () => `${sr[0]!}\n`, /line break at position 49/],
  ])('rejects %s', (_name, make, message) => {
    const result = checkAddress(make());
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toMatch(message);
      expect(result.fix.length).toBeGreaterThan(10);
    }
  });

  it('gives the prefix-42 form of a key typed for another network', () => {
    const result = checkAddress(encodeAddress(decodeAddress(ed[1]!), 0));
    expect(result.ok || result.fix).toContain(ed[1]!);
  });
});

describe('parseTax', () => {
  const ok = (ppm: bigint) => ({ ok: true, ppm });
  it.each([
    ['0', { kind: 'number', value: 0, percentFormat: false }, ok(0n)],
    ['100', { kind: 'number', value: 100, percentFormat: false }, ok(1_000_000n)],
    ['15', { kind: 'number', value: 15, percentFormat: false }, ok(150_000n)],
    ['-0', { kind: 'number', value: -0, percentFormat: false }, ok(0n)],
    ['12.3456', { kind: 'number', value: 12.3456, percentFormat: false }, ok(123_456n)],
    ['0.15 formatted as percent', { kind: 'number', value: 0.15, percentFormat: true }, ok(150_000n)],
    ['1 formatted as percent', { kind: 'number', value: 1, percentFormat: true }, ok(1_000_000n)],
    ['text 15%', { kind: 'text', text: '15%' }, ok(150_000n)],
    ['text 15 %', { kind: 'text', text: '15 %' }, ok(150_000n)],
    ['text 15', { kind: 'text', text: '15' }, ok(150_000n)],
    ['text -0', { kind: 'text', text: '-0' }, ok(0n)],
    ['100.0001 parses (range is checked by validation)', { kind: 'number', value: 100.0001, percentFormat: false }, ok(1_000_001n)],
    ['1 (one percent, not ambiguous)', { kind: 'number', value: 1, percentFormat: false }, ok(10_000n)],
    ['text 0.5%', { kind: 'text', text: '0.5%' }, ok(5_000n)],
    ['text 0.15%', { kind: 'text', text: '0.15%' }, ok(1_500n)],
    ['text .15 %', { kind: 'text', text: '.15 %' }, ok(1_500n)],
    ['text 0', { kind: 'text', text: '0' }, ok(0n)],
    ['text 0.0', { kind: 'text', text: '0.0' }, ok(0n)],
    ['0.0015 formatted as percent (typed 0.15%)', { kind: 'number', value: 0.0015, percentFormat: true }, ok(1_500n)],
    ['0.005 formatted as percent (typed 0.5%)', { kind: 'number', value: 0.005, percentFormat: true }, ok(5_000n)],
  ] as const)('reads %s', (_name, input, expected) => {
    expect(parseTax(input)).toEqual(expected);
  });

  it.each([
    ['text', { kind: 'text', text: 'fifteen' }, /not a number/],
    ['empty', { kind: 'text', text: '' }, /empty/],
    ['two percent signs', { kind: 'text', text: '15%%' }, /not a number/],
    ['too many decimals', { kind: 'number', value: 12.34567, percentFormat: false }, /more than 4 decimals/],
    ['infinite', { kind: 'number', value: Infinity, percentFormat: false }, /finite/],
  ] as const)('refuses %s', (_name, input, message) => {
    const result = parseTax(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  // A plain number strictly between 0 and 1 is 15 % or 0.15 %: both readings and how to write each, never a guess.
  it.each([
    ['0.15', { kind: 'number', value: 0.15, percentFormat: false }, 'The tax 0.15 could mean 15% or 0.15%', 'For 15% type 15 or 15%; for 0.15% type 0.15%.'],
    ['0.5', { kind: 'number', value: 0.5, percentFormat: false }, 'The tax 0.5 could mean 50% or 0.5%', 'For 50% type 50 or 50%; for 0.5% type 0.5%.'],
    ['0.0001', { kind: 'number', value: 0.0001, percentFormat: false }, 'The tax 0.0001 could mean 0.01% or 0.0001%', 'For 0.01% type 0.01 or 0.01%; for 0.0001% type 0.0001%.'],
    ['0.123 (no float noise)', { kind: 'number', value: 0.123, percentFormat: false }, 'The tax 0.123 could mean 12.3% or 0.123%', 'For 12.3% type 12.3 or 12.3%; for 0.123% type 0.123%.'],
    ['text 0.15', { kind: 'text', text: '0.15' }, 'The tax "0.15" could mean 15% or 0.15%', 'For 15% type 15 or 15%; for 0.15% type 0.15%.'],
    ['text .15', { kind: 'text', text: '.15' }, 'The tax ".15" could mean 15% or 0.15%', 'For 15% type 15 or 15%; for 0.15% type 0.15%.'],
    ['text with spaces', { kind: 'text', text: ' 0.15 ' }, 'The tax " 0.15 " could mean 15% or 0.15%', 'For 15% type 15 or 15%; for 0.15% type 0.15%.'],
    ['text +0.150', { kind: 'text', text: '+0.150' }, 'The tax "+0.150" could mean 15% or 0.15%', 'For 15% type 15 or 15%; for 0.15% type 0.15%.'],
    ['text 0,15 (decimal comma)', { kind: 'text', text: '0,15' }, 'The tax "0,15" could mean 15% or 0.15%', 'For 15% type 15 or 15%; for 0.15% type 0.15%.'],
  ] as const)('asks about %s', (_name, input, message, fix) => {
    const result = parseTax(input);
    expect(result).toEqual({ ok: false, message: expect.stringContaining(message), fix });
  });

  it.each([
    ['12,5', '12.5'],
    ['0,15%', '0.15%'],
  ])('refuses the decimal comma in %s and shows it with a point', (text, pointed) => {
    expect(parseTax({ kind: 'text', text })).toEqual({ ok: false, message: `The tax "${text}" has a decimal comma.`, fix: `Type it with a decimal point: ${pointed}.` });
  });

  it.each([0n, 1n, 1_500n, 5_000n, 9_999n, 10_000n, 123_456n, 150_000n, 1_000_000n])('writes %s ppm as a cell that reads back exactly', (ppm) => {
    const cell = taxCell(ppm);
    expect(cell.percentFormat).toBe(ppm > 0n && ppm < 10_000n);
    expect(parseTax({ kind: 'number', ...cell })).toEqual(ok(ppm));
  });

  it.each([
    [0n, true],
    [1_000_000n, true],
    [1_000_001n, false],
    [-1n, false],
  ])('range of %s ppm is %s', (ppm, inRange) => {
    expect(taxInRange(ppm)).toBe(inRange);
  });

  it('formats ppm as percent points', () => {
    expect(formatTaxPercent(123_456n)).toBe('12.3456');
    expect(formatTaxPercent(150_000n)).toBe('15');
  });
});

const user = (name: string, addrs: string[], row: number): User => ({ name, addresses: addrs, row });
const edge = (referrer: string, referee: string, row: number, taxPpm = 100_000n): Referral => ({ referrer, referee, taxPpm, row });

describe('validateUsers', () => {
  it('finds nothing wrong with distinct users and addresses', () => {
    expect(validateUsers([user('Alice', [sr[0]!, ed[0]!], 3), user('Bob', [sr[1]!], 4)])).toEqual([]);
  });

  it('flags a duplicate name ignoring case, at the second row', () => {
    const problems = validateUsers([user('Alice', [sr[0]!], 3), user('alice', [sr[1]!], 4)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ sheet: 'Users', cell: 'A4' });
    expect(problems[0]!.message).toMatch(/already used in row 3/);
  });

  it('flags an address under two users and twice under one', () => {
    const problems = validateUsers([user('Alice', [sr[0]!, sr[0]!], 3), user('Bob', [sr[1]!, sr[0]!], 4)]);
    expect(problems.map((p) => [p.cell, /twice/.test(p.message) ? 'twice' : /belongs to Alice/.test(p.message) ? 'other' : p.message])).toEqual([
      ['C3', 'twice'],
      ['C4', 'other'],
    ]);
  });

  it('flags a user with no address and a bad address in its cell', () => {
    const problems = validateUsers([user('Alice', [], 3), user('Bob', [sr[1]!, badChecksum(sr[2]!)], 4)]);
    expect(problems.map((p) => p.cell)).toEqual(['A3', 'C4']);
    expect(problems[0]!.message).toMatch(/no address/);
  });

  it.each(['=HYPERLINK("x")', '+1', '-Alice', '@SUM'])('refuses the formula-like name %s', (name) => {
    const problems = validateUsers([user(name, [sr[0]!], 3)]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/formula/);
  });

  it('flags whitespace around a name', () => {
    expect(validateUsers([user('Alice ', [sr[0]!], 3)])[0]!.message).toMatch(/spaces/);
  });

  it('flags a look-alike of an earlier name at the later row, naming it and what differs', () => {
    const problems = validateUsers([user('Alice', [sr[0]!], 3), user('Alic\u0435', [sr[1]!], 4), user('Alice\u200F', [sr[2]!], 5), user('Alicia', [sr[3]!], 6)]);
    expect(problems.map((p) => [p.cell, p.message])).toEqual([
      ['A4', 'The name "Alicе" looks like "Alice" in row 3 (they differ in: Cyrillic "е" U+0435 at position 5); one could be taken for the other.'],
      ['A5', expect.stringMatching(/^The name "Alice<U\+200F>" contains U\+200F RIGHT-TO-LEFT MARK at position 6/)],
      ['A5', 'The name "Alice<U+200F>" looks like "Alice" in row 3 (they differ in: U+200F at position 6); one could be taken for the other.'],
    ]);
  });

  it('refuses an address reserved for the validator at its cell, naming the Settings cell', () => {
    const problems = validateUsers([user('Alice', [sr[0]!, sr[1]!], 3)], [{ address: sr[1]!, what: 'validator hotkey', cell: 'B3' }]);
    expect(problems).toEqual([expect.objectContaining({ cell: 'C3', message: `The address ${sr[1]} is the validator hotkey (Settings!B3), not a person's coldkey.` })]);
  });
});

describe('referrals', () => {
  const users = ['A', 'B', 'C', 'D', 'E'].map((n, i) => user(n, [sr[i]!], i + 3));

  it.each([
    [1, [edge('A', 'A', 3)], /refers themself/],
    [2, [edge('A', 'B', 3), edge('B', 'A', 4)], /cycle: A → B → A\./],
    [3, [edge('A', 'B', 3), edge('B', 'C', 4), edge('C', 'A', 5)], /cycle: A → B → C → A\./],
    [4, [edge('B', 'C', 4), edge('C', 'D', 5), edge('D', 'A', 6), edge('A', 'B', 3)], /cycle: A → B → C → D → A\./],
  ])('reports a cycle of length %i with its names in order', (_length, referrals, message) => {
    const problems = validateReferrals(users, referrals);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(message);
  });

  it('starts the cycle at the earliest row', () => {
    expect(cycles([edge('C', 'A', 5), edge('B', 'C', 4), edge('A', 'B', 3)])[0]!.names).toEqual(['A', 'B', 'C']);
  });

  it('flags a second referrer at the later row', () => {
    const problems = validateReferrals(users, [edge('A', 'C', 3), edge('B', 'C', 4)]);
    expect(problems).toEqual([expect.objectContaining({ cell: 'B4', message: expect.stringMatching(/C already has a referrer: A \(row 3\)/) })]);
  });

  it('flags unknown names and suggests the user that differs only in case', () => {
    const problems = validateReferrals(users, [edge('a', 'Zed', 3)]);
    expect(problems.map((p) => [p.cell, p.fix])).toEqual([
      ['A3', expect.stringMatching(/Did you mean "A"/)],
      ['B3', expect.stringMatching(/Add Zed to Users/)],
    ]);
  });

  it.each([
    [0n, 0],
    [1_000_000n, 0],
    [1_000_001n, 1],
    [-1n, 1],
  ])('tax %s ppm gives %i problems', (taxPpm, count) => {
    expect(validateReferrals(users, [edge('A', 'B', 3, taxPpm)])).toHaveLength(count);
  });

  it('derives layers from the roots down', () => {
    const result = layers([edge('A', 'B', 3), edge('B', 'C', 4), edge('A', 'D', 5), edge('E', 'C', 6)]);
    expect(Object.fromEntries(result)).toEqual({ A: 1, B: 2, C: 3, D: 2, E: 1 });
  });

  it('gives no layer to names on a cycle', () => {
    const result = layers([edge('A', 'B', 3), edge('B', 'A', 4), edge('C', 'D', 5)]);
    expect(Object.fromEntries(result)).toEqual({ C: 1, D: 2 });
  });
});

describe('validateWorkbook', () => {
  it("refuses the Settings hotkey as a user's address, at the cell Settings has it in", () => {
    const problems = validateWorkbook([user('Alice', [sr[0]!], 3)], [], { ...DEFAULT_SETTINGS, hotkey: sr[0]! }, { hotkey: 'B9' });
    expect(problems.map((p) => [p.cell, p.message])).toEqual([['B3', expect.stringMatching(/is the validator hotkey \(Settings!B9\)/)]]);
  });

  it('checks settings addresses and network', () => {
    const problems = validateWorkbook([], [], { ...DEFAULT_SETTINGS, hotkey: badChecksum(sr[0]!), network: 'mainnet', snapshotInterval: 0 });
    expect(problems.map((p) => p.cell)).toEqual(['B3', 'B4', 'B5']);
  });

  it('takes the Settings network by the same rule as --network: any case, spaces around it ignored', () => {
    for (const network of [' Finney ', 'TEST', 'local', 'WSS://node.example:443']) {
      expect(validateWorkbook([], [], { ...DEFAULT_SETTINGS, network })).toEqual([]);
    }
    for (const network of ['constructor', 'toString', 'https://node.example', 'wss://']) {
      expect(validateWorkbook([], [], { ...DEFAULT_SETTINGS, network }).map((p) => p.cell)).toEqual(['B4']);
    }
  });
});

describe('the optional Settings rows: price source, webhook, node alert', () => {
  // in a new workbook: B8 USD price URL, B9 its JSON path, B10 webhook URL, B11 node alert minutes
  const check = (over: Partial<typeof DEFAULT_SETTINGS>) => validateWorkbook([], [], { ...DEFAULT_SETTINGS, ...over });

  it('are off by default and take http(s) URLs and a JSON path', () => {
    expect(check({})).toEqual([]);
    expect(check({ priceUrl: 'https://api.coingecko.com/api/v3/simple/price?ids=bittensor&vs_currencies=usd', pricePath: 'bittensor.usd' })).toEqual([]);
    expect(check({ webhookUrl: 'http://127.0.0.1:8080/hook', nodeAlertMinutes: 1 })).toEqual([]);
  });

  it('names the cell of a bad value', () => {
    expect(check({ priceUrl: 'ftp://prices.example/tao', pricePath: 'usd' })).toEqual([
      expect.objectContaining({ sheet: 'Settings', cell: 'B8', message: 'The USD price URL "ftp://prices.example/tao" is not an http:// or https:// URL.' }),
    ]);
    expect(check({ priceUrl: 'https://p.example', pricePath: 'data[x]' })).toEqual([
      expect.objectContaining({ cell: 'B9', message: 'USD price JSON path: "data[x]" is not a JSON path: expected [number] or ["name"] at "[x]".' }),
    ]);
    expect(check({ webhookUrl: 'discord.com/api/webhooks/1/x' }).map((p) => p.cell)).toEqual(['B10']);
    expect(check({ nodeAlertMinutes: 0 }).map((p) => p.cell)).toEqual(['B11']);
  });

  it('takes taostats (the default) or none as the block explorer, and names the cell of anything else', () => {
    expect(DEFAULT_SETTINGS.explorer).toBe('taostats');
    expect(check({ explorer: 'none' })).toEqual([]);
    expect(check({ explorer: 'polkadot.js' })).toEqual([
      expect.objectContaining({ cell: 'B13', message: 'The block explorer "polkadot.js" is unknown.', fix: 'Type taostats or none, or leave the cell empty for taostats.' }),
    ]);
  });

  it('wants the price URL and its path together', () => {
    expect(check({ priceUrl: 'https://p.example' })).toEqual([expect.objectContaining({ cell: 'B9', message: 'The USD price URL is given without its JSON path.' })]);
    expect(check({ pricePath: 'usd' })).toEqual([expect.objectContaining({ cell: 'B8', message: 'A USD price JSON path is given without the USD price URL.' })]);
  });
});

describe('the Settings row "Users count from" (B12 in a new workbook)', () => {
  it('takes period (the default) or added, and names the cell of anything else with the near value', () => {
    expect(validateWorkbook([], [], { ...DEFAULT_SETTINGS })).toEqual([]);
    expect(validateWorkbook([], [], { ...DEFAULT_SETTINGS, countFrom: 'added' })).toEqual([]);
    expect(validateWorkbook([], [], { ...DEFAULT_SETTINGS, countFrom: 'addded' as 'added' })).toEqual([
      expect.objectContaining({ sheet: 'Settings', cell: 'B12', message: '"addded" is not a rule for when users count.', fix: expect.stringMatching(/^Did you mean added\? Choose period/) }),
    ]);
  });
});
