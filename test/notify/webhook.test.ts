import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { payoutNotice, problemsNotice } from '../../src/notify/messages.js';
import { notifyNewProblems, notifyPayout, tell, watchNodeReach } from '../../src/notify/notify.js';
import { statePath } from '../../src/notify/state.js';
import { retryAfterMs, Webhook, type DeliveryPolicy } from '../../src/notify/webhook.js';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import type { Settings } from '../../src/domain/types.js';
import { downUrl, LocalHttpServer } from '../helpers/httpServer.js';

const FAST: DeliveryPolicy = { timeoutMs: 300, retryDelaysMs: [10, 20, 40], maxRetryAfterMs: 1_000 };
const TAO = 1_000_000_000n;

let server: LocalHttpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** Discord answers 204 with no body; Slack answers 200 with the text "ok". */
const discord: Parameters<typeof LocalHttpServer.start>[0] = (_, res) => {
  res.statusCode = 204;
  res.end();
};
const slack: Parameters<typeof LocalHttpServer.start>[0] = (_, res) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
};

function hook(url: string, log: string[] = [], policy = FAST): Webhook {
  return new Webhook(new URL(url), (l) => log.push(l), policy);
}

describe('webhook delivery against a local server', () => {
  test.each([['Discord', discord], ['Slack', slack]] as const)('%s: one POST of JSON with content and text', async (_, answer) => {
    server = await LocalHttpServer.start(answer);
    const log: string[] = [];
    await hook(server.url('/api/webhooks/1/TOKEN'), log).send('ValTrac: plan P1 is paid');
    expect(server.received).toHaveLength(1);
    const request = server.received[0]!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({ content: 'ValTrac: plan P1 is paid', text: 'ValTrac: plan P1 is paid', username: 'ValTrac' });
    expect(log).toEqual([]);
  });

  test('Discord limits content to 2,000 characters: a long message is cut', async () => {
    server = await LocalHttpServer.start(discord);
    await hook(server.url()).send('x'.repeat(5_000));
    const body = JSON.parse(server.received[0]!.body);
    expect(body.content.length).toBeLessThanOrEqual(2_000);
    expect(body.content.endsWith('…')).toBe(true);
  });

  test('server errors are retried with back-off until it answers', async () => {
    server = await LocalHttpServer.start((_, res, i) => {
      res.statusCode = i < 2 ? 502 : 204;
      res.end();
    });
    const log: string[] = [];
    await hook(server.url(), log).send('hello');
    expect(server.received).toHaveLength(3);
    expect(log).toEqual([
      `webhook 127.0.0.1:${server.port}: it answered HTTP 502; retrying in 0.0 s`,
      `webhook 127.0.0.1:${server.port}: it answered HTTP 502; retrying in 0.0 s`,
    ]);
  });

  test('429 waits for Retry-After (Discord and Slack send seconds)', async () => {
    server = await LocalHttpServer.start((_, res, i) => {
      if (i === 0) {
        res.writeHead(429, { 'retry-after': '0.2', 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'You are being rate limited.', retry_after: 0.2, global: false }));
      } else discord(_, res, i);
    });
    const log: string[] = [];
    await hook(server.url(), log).send('hello');
    expect(server.received).toHaveLength(2);
    expect(log).toEqual([`webhook 127.0.0.1:${server.port}: it answered HTTP 429; retrying in 0.2 s`]);
    expect(retryAfterMs('3')).toBe(3_000);
    expect(retryAfterMs(null)).toBeUndefined();
  });

  test('a 4xx other than 429 is not retried: the URL or message is wrong', async () => {
    server = await LocalHttpServer.start((_, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message": "Unknown Webhook", "code": 10015}');
    });
    const log: string[] = [];
    await hook(server.url('/api/webhooks/1/SECRET-TOKEN'), log).send('hello');
    expect(server.received).toHaveLength(1);
    expect(log).toEqual([`webhook 127.0.0.1:${server.port}: notification not delivered (it answered HTTP 404); given up after 1 attempt(s)`]);
  });

  test('down: every attempt of the policy is made, then it is given up; the token never appears in the log', async () => {
    const url = await downUrl('/services/T000/B000/SECRET-TOKEN');
    const log: string[] = [];
    await hook(url, log).send('hello');
    expect(log).toHaveLength(4);
    expect(log.at(-1)).toMatch(/notification not delivered \(cannot be reached \(ECONNREFUSED\)\); given up after 4 attempt\(s\)$/);
    expect(log.join('\n')).not.toContain('SECRET-TOKEN');
  });

  test('slow: an attempt that gets no answer in time is retried', async () => {
    server = await LocalHttpServer.start((req, res, i) => {
      if (i > 0) discord(req, res, i);
    });
    const log: string[] = [];
    await hook(server.url(), log).send('hello');
    expect(server.received).toHaveLength(2);
    expect(log).toEqual([`webhook 127.0.0.1:${server.port}: no answer within 0.3 s; retrying in 0.0 s`]);
  });

  test('a redirect is not followed (the body would go to another host)', async () => {
    server = await LocalHttpServer.start((_, res) => {
      res.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      res.end();
    });
    const log: string[] = [];
    await hook(server.url(), log, { ...FAST, retryDelaysMs: [] }).send('hello');
    expect(server.received).toHaveLength(1);
    expect(log[0]).toContain('notification not delivered');
  });
});

describe('telling never blocks the work', () => {
  const settings = (url: string): Settings => ({ ...DEFAULT_SETTINGS, webhookUrl: url });

  test('tell returns while the server still holds the request; settled(limit) gives up without throwing', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    server = await LocalHttpServer.start(async (req, res, i) => {
      await held;
      discord(req, res, i);
    });
    const log: string[] = [];
    const options = { log: (l: string) => log.push(l), policy: { ...FAST, timeoutMs: 10_000 } };
    await tell(settings(server.url('/held')), [payoutNotice('P1', [])], options);
    // the work carries on with the request still unanswered
    await expect.poll(() => server!.received.length).toBe(1);
    await tell(settings(server.url('/held')), [payoutNotice('P2', [])], { ...options, waitMs: 100 });
    expect(log).toEqual([`webhook 127.0.0.1:${server.port}: still not delivered after 0.1 s; giving up as the command ends`]);
    expect(server.received).toHaveLength(2);
    release();
  });

  test('no webhook URL: nothing is sent', async () => {
    server = await LocalHttpServer.start(discord);
    await notifyPayout(DEFAULT_SETTINGS, 'P1', [{ user: 'alice', planned: 1n, delivered: 1n }], { waitMs: 100 });
    expect(server.received).toEqual([]);
  });

  test('the payout outcome arrives as the chain settled it', async () => {
    server = await LocalHttpServer.start(slack);
    await notifyPayout(settings(server.url('/payout')), 'P900-abc', [
      { user: 'alice', planned: 5n * TAO, delivered: 5n * TAO },
      { user: 'bob', planned: 3n * TAO, delivered: 2_990_000_000n },
    ], { waitMs: 5_000, policy: FAST });
    expect(JSON.parse(server.received[0]!.body).text).toBe(
      'ValTrac: plan P900-abc: 1 payment(s) arrived short; 7.990000000 TAO of 8.000000000 TAO delivered. Run valtrac confirm after fixing the cause.\n' +
        'bob: 2.990000000 TAO of 3.000000000 TAO arrived (0.010000000 TAO short)',
    );
  });
});

describe('conditions are told once, across processes', () => {
  test('problems: only new ones, by cell, and a fixed one is forgotten so its return is told again', async () => {
    server = await LocalHttpServer.start(discord);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-notify-'));
    const workbook = path.join(dir, 'valtrac.xlsx');
    const { createWorkbook } = await import('../../src/workbook/layout.js');
    const { WorkbookStore } = await import('../../src/workbook/store.js');
    await new WorkbookStore(workbook).create(createWorkbook({ ...DEFAULT_SETTINGS, webhookUrl: server.url('/problems') }), false);
    const seed = 'abandon ability able about above absent absorb abstract absurd abuse access accident';
    const a = { sheet: 'Users' as const, cell: 'B3', message: `"${seed}" is not an SS58 address`, fix: 'Copy it again.' };
    const b = { sheet: 'Referrals' as const, cell: 'C4', message: 'The tax 120% is outside 0 to 100%.', fix: 'Type 0 to 100.' };
    const opts = { waitMs: 5_000, policy: FAST };
    await notifyNewProblems(workbook, [a], opts);
    await notifyNewProblems(workbook, [a], opts);
    await notifyNewProblems(workbook, [a, b], opts);
    await notifyNewProblems(workbook, [b], opts);
    await notifyNewProblems(workbook, [a, b], opts);
    const texts = server.received.map((r) => JSON.parse(r.body).content as string);
    expect(texts).toEqual([problemsNotice([a], 1).text, problemsNotice([b], 2).text, problemsNotice([a], 2).text]);
    expect(texts[0]).toContain('at Users!B3.');
    // what a person typed into a cell never leaves the machine
    for (const t of texts) expect(t).not.toContain('abandon');
    expect(JSON.parse(await readFile(statePath(workbook), 'utf8')).problems).toHaveLength(2);
  });

  test('node unreachable: told once after the Settings minutes, and once when it is back', async () => {
    server = await LocalHttpServer.start(discord);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-notify-'));
    const workbook = path.join(dir, 'valtrac.xlsx');
    const settings: Settings = { ...DEFAULT_SETTINGS, webhookUrl: server.url('/node'), nodeAlertMinutes: 10, network: 'wss://node.example:443/KEY' };
    const opts = { waitMs: 5_000, policy: FAST };
    const t0 = Date.UTC(2026, 0, 1, 12, 0);
    const at = (minutes: number) => () => new Date(t0 + minutes * 60_000);
    const down = () => Promise.reject(new Error('cannot reach'));
    for (const minute of [0, 4, 9]) await expect(watchNodeReach(workbook, settings, settings.network, down(), opts, at(minute))).rejects.toThrow('cannot reach');
    expect(server.received).toHaveLength(0);
    for (const minute of [11, 13]) await expect(watchNodeReach(workbook, settings, settings.network, down(), opts, at(minute))).rejects.toThrow('cannot reach');
    expect(server.received).toHaveLength(1);
    expect(await watchNodeReach(workbook, settings, settings.network, Promise.resolve('api'), opts, at(20))).toBe('api');
    await expect.poll(() => server!.received.length).toBe(2);
    expect(await watchNodeReach(workbook, settings, settings.network, Promise.resolve('api'), opts, at(21))).toBe('api');
    const texts = server.received.map((r) => JSON.parse(r.body).content as string);
    expect(texts).toEqual([
      'ValTrac: the node node.example has been unreachable for 11 minute(s) (since 2026-01-01T12:00:00.000Z); no snapshots are recorded meanwhile.',
      'ValTrac: the node node.example is reachable again after 20 minute(s); the snapshotter fills what it can.',
    ]);
    for (const t of texts) expect(t).not.toContain('KEY');
  });
});
