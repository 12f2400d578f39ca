import { afterEach, describe, expect, test } from 'vitest';
import { parseJsonPath, valueAt } from '../../src/domain/jsonPath.js';
import { askPrice, priceAtConfirm, priceSource, readPrice } from '../../src/prices/source.js';
import { downUrl, json, LocalHttpServer } from '../helpers/httpServer.js';

let server: LocalHttpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe('the JSON path of the price', () => {
  test.each([
    ['bittensor.usd', ['bittensor', 'usd']],
    ['$.bittensor.usd', ['bittensor', 'usd']],
    ['data[0].price', ['data', 0, 'price']],
    ['$.data[12]["tao-usd"]', ['data', 12, 'tao-usd']],
    ["prices['TAO/USD']", ['prices', 'TAO/USD']],
    ['[0]', [0]],
  ])('%s', (text, steps) => {
    expect(parseJsonPath(text)).toEqual({ ok: true, steps });
  });

  test.each([
    ['', 'it names nothing'],
    ['$', 'it names nothing'],
    ['bittensor..usd', 'expected a name at ".usd"'],
    ['data[x]', 'expected [number] or ["name"] at "[x]"'],
    ['data[0]price', 'expected . or [ at "price"'],
    ['usd price', 'expected . or [ at " price"'],
  ])('refuses %j', (text, why) => {
    expect(parseJsonPath(text)).toEqual({ ok: false, message: `"${text}" is not a JSON path: ${why}` });
  });

  test('valueAt follows names and indexes, and never a prototype property', () => {
    const answer = { data: [{ price: 1.5 }], bittensor: { usd: 2 } };
    expect(valueAt(answer, ['data', 0, 'price'])).toBe(1.5);
    expect(valueAt(answer, ['bittensor', 'usd'])).toBe(2);
    expect(valueAt(answer, ['data', 'price'])).toBeUndefined();
    expect(valueAt(answer, ['bittensor', 0])).toBeUndefined();
    expect(valueAt(answer, ['constructor'])).toBeUndefined();
  });
});

describe('a price value', () => {
  test.each([
    [431.27, 431_270_000_000n],
    ['431.27', 431_270_000_000n],
    [' 0.5 ', 500_000_000n],
    // digits past the ninth decimal are dropped, never rounded up
    ['431.1234567899', 431_123_456_789n],
    [1e-9, 1n],
    [12, 12_000_000_000n],
  ])('%j is %s nano-USD per TAO', (value, scaled) => {
    expect(readPrice(value)).toEqual({ ok: true, usdPrice: scaled });
  });

  test.each([[0], [-3], ['-3'], ['abc'], [null], [true], [{ usd: 1 }], [Number.NaN], ['1e3'], [undefined]])('%j is not a price', (value) => {
    expect(readPrice(value).ok).toBe(false);
  });
});

describe('the price source over HTTP (a local server speaking CoinGecko simple/price)', () => {
  const settings = (url: string, path = 'bittensor.usd') => ({ priceUrl: url, pricePath: path });

  test('answers the price at the path, asked with GET once', async () => {
    server = await LocalHttpServer.start((_, res) => json(res, 200, { bittensor: { usd: 412.37 } }));
    const warnings: string[] = [];
    const price = await priceAtConfirm(settings(server.url('/api/v3/simple/price?ids=bittensor&vs_currencies=usd')), (l) => warnings.push(l));
    expect(price).toBe(412_370_000_000n);
    expect(warnings).toEqual([]);
    expect(server.received.map((r) => [r.method, r.path])).toEqual([['GET', '/api/v3/simple/price?ids=bittensor&vs_currencies=usd']]);
  });

  test('off while either cell is empty: nothing is asked', async () => {
    server = await LocalHttpServer.start((_, res) => json(res, 200, { bittensor: { usd: 1 } }));
    expect(await priceAtConfirm({ priceUrl: server.url(), pricePath: null })).toBeNull();
    expect(await priceAtConfirm({ priceUrl: null, pricePath: 'bittensor.usd' })).toBeNull();
    expect(priceSource({ priceUrl: 'ftp://x', pricePath: 'a' })).toBeNull();
    expect(server.received).toEqual([]);
  });

  test('down, slow, an error status, garbage or the wrong path: null and one line saying why, naming the host only', async () => {
    const cases: Array<[string, (res: import('node:http').ServerResponse) => void, string]> = [
      ['error status', (res) => json(res, 503, { status: 'overloaded' }), 'answered HTTP 503'],
      ['not JSON', (res) => res.end('<html>rate limited</html>'), 'its answer is not JSON'],
      ['missing path', (res) => json(res, 200, { bitcoin: { usd: 1 } }), 'the value at the path is missing, not a number'],
      ['not a number', (res) => json(res, 200, { bittensor: { usd: 'n/a' } }), '"n/a" is not a positive price'],
      ['zero', (res) => json(res, 200, { bittensor: { usd: 0 } }), '"0" is not a positive price'],
      ['too large', (res) => res.end(`{"bittensor":{"usd":1},"pad":"${'x'.repeat(1 << 20)}"}`), 'too large to be a price'],
      ['cut off', (res) => { res.write('{"bittensor":{"us'); res.destroy(); }, 'cannot be reached'],
    ];
    server = await LocalHttpServer.start((_, res) => void res.end());
    for (const [name, answer, why] of cases) {
      server.answerWith((_, res) => answer(res));
      const warnings: string[] = [];
      // an API key in the query must not reach the log
      expect(await priceAtConfirm(settings(server.url('/price?x_cg_demo_api_key=KEY123')), (l) => warnings.push(l)), name).toBeNull();
      expect(warnings, name).toHaveLength(1);
      expect(warnings[0], name).toContain(`the price source 127.0.0.1:${server.port} `);
      expect(warnings[0], name).toContain(why);
      expect(warnings[0], name).toContain('the payout goes on without it');
      expect(warnings[0], name).not.toContain('KEY123');
    }
  });

  test('a server that never answers is given up after the timeout', async () => {
    server = await LocalHttpServer.start(() => undefined);
    const answer = await askPrice(priceSource(settings(server.url()))!, 300);
    expect(answer).toEqual({ ok: false, why: 'no answer within 0.3 s' });
    expect(server.received).toHaveLength(1);
  });

  test('a port nobody listens on', async () => {
    const answer = await askPrice(priceSource(settings(await downUrl()))!, 2_000);
    expect(answer).toEqual({ ok: false, why: 'it cannot be reached (ECONNREFUSED)' });
  });
});
