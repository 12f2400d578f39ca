/**
 * `watch` and `snapshot` stopped by SIGINT or SIGTERM: exit code 0 and one line saying so, whatever is pending. Before,
 * `watch` stopped while a webhook retry was waiting ended with exit code 13 (an unsettled await) and no line.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../cliProcess.js';
import { address, baseWorkbookCopies, editWorkbook, mistyped, tempDir, valtrac } from './helpers.js';

let server: http.Server;
let port = 0;
let posts = 0;
beforeAll(async () => {
  // A webhook that always fails with 500: every notification waits for its next retry.
  server = http.createServer((req, res) => {
    posts++;
    req.resume();
    req.on('end', () => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const folder = baseWorkbookCopies();

describe('watch stopped while a webhook retry waits', { timeout: 120_000 }, () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal}: exit code 0 and one line naming what was given up`, async () => {
      const { dir, workbook } = folder();
      const set = await valtrac(['settings', 'set', 'webhook-url', `http://127.0.0.1:${port}/api/webhooks/1/TOKEN`, '--workbook', workbook], { cwd: dir });
      expect(set.code, set.stderr).toBe(0);
      await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getCell('B4').value = mistyped(address(2))));
      const watch = new CliProcess(['watch', '--workbook', workbook], { PATH: process.env.PATH, HOME: dir });
      try {
        await watch.waitFor(/watching /, 60_000);
        await watch.waitFor(/webhook 127\.0\.0\.1:\d+: it answered HTTP 500; retrying in/, 60_000);
        watch.kill(signal);
        const { code } = await watch.exited;
        expect(code, watch.text()).toBe(0);
        const stops = watch.output.filter((l) => /stopped/.test(l));
        expect(stops, watch.text()).toHaveLength(1);
        expect(stops[0]).toMatch(new RegExp(`stopped \\(${signal}\\); 1 webhook notification\\(s\\) to 127\\.0\\.0\\.1:${port} not delivered`));
        expect(watch.text()).not.toContain('TOKEN');
        expect(posts).toBeGreaterThan(0);
      } finally {
        watch.kill('SIGKILL');
      }
    });
  }
});

describe('snapshot stopped before it follows blocks', { timeout: 60_000 }, () => {
  it('SIGTERM while waiting for the hotkey: exit code 0 and one line', async () => {
    const dir = tempDir();
    const workbook = path.join(dir, 'valtrac.xlsx');
    const init = await valtrac(['init', '--workbook', workbook], { cwd: dir });
    expect(init.code, init.stderr).toBe(0);
    const snapshot = new CliProcess(['snapshot', '--workbook', workbook], { PATH: process.env.PATH, HOME: dir });
    try {
      await snapshot.waitFor(/waiting for the validator hotkey/, 30_000);
      snapshot.kill('SIGTERM');
      const { code } = await snapshot.exited;
      expect(code, snapshot.text()).toBe(0);
      expect(snapshot.output.filter((l) => /stopped/.test(l))).toEqual([expect.stringMatching(/stopped \(SIGTERM\) before following began/)]);
    } finally {
      snapshot.kill('SIGKILL');
    }
  });
});
