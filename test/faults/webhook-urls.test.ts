/**
 * Webhook URLs (issue 21, case 2): a URL with user:password@ is refused at `settings set` and flagged in the sheet,
 * naming the host only; a line break or tab in it is refused with the character escaped; a long value is quoted as an
 * excerpt; a failed delivery logs the host, never the URL.
 */
import { describe, expect, it } from 'vitest';
import { Webhook } from '../../src/notify/webhook.js';
import { baseWorkbookCopies, editWorkbook, treeDigest, valtrac } from './helpers.js';

const folder = baseWorkbookCopies();
const WITH_PASSWORD = 'http://u:Secret@127.0.0.1:9431/api/webhooks/1/TOK?token=Q';

describe('a webhook URL at settings set', () => {
  it('with user:password@: refused naming the host only, nothing written', async () => {
    const { dir, workbook } = folder();
    const before = treeDigest(dir);
    const r = await valtrac(['settings', 'set', 'webhook-url', WITH_PASSWORD, '--workbook', workbook], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Settings!B\d+: The webhook URL for 127\.0\.0\.1:9431 carries a user name or password/);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/Secret|TOK|token=Q/);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('with a line break: refused, the character escaped, nothing written', async () => {
    const { dir, workbook } = folder();
    const before = treeDigest(dir);
    const r = await valtrac(['settings', 'set', 'webhook-url', 'https://discord.com/api/webhooks/1/a\nb', '--workbook', workbook], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/"https:\/\/discord\.com\/api\/webhooks\/1\/a\\nb" holds a space or a control character/);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('3,000 characters: accepted, echoed as an excerpt', async () => {
    const { dir, workbook } = folder();
    const long = `https://discord.com/api/webhooks/1/${'x'.repeat(3_000)}`;
    const set = await valtrac(['settings', 'set', 'webhook-url', long, '--workbook', workbook], { cwd: dir });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout.length).toBeLessThan(300);
    expect(set.stdout).toMatch(/\(3,035 characters\)/);
    const show = await valtrac(['settings', '--workbook', workbook], { cwd: dir });
    expect(show.stdout).not.toContain('x'.repeat(100));
  });
});

describe('a webhook URL typed in the sheet', () => {
  it('with user:password@: a problem at its cell naming the host; check and settings never print the password', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => {
      const sheet = b.getWorksheet('Settings')!;
      sheet.eachRow((row) => {
        if (String(row.getCell(1).value) === 'Webhook URL') row.getCell(2).value = WITH_PASSWORD;
      });
    });
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/Settings!B\d+: The webhook URL for 127\.0\.0\.1:9431 carries a user name or password/);
    const show = await valtrac(['settings', '--workbook', workbook], { cwd: dir });
    expect(show.stdout).toMatch(/\(a URL for 127\.0\.0\.1:9431 with user:password@, not shown\)/);
    for (const out of [check.stdout, check.stderr, show.stdout, show.stderr]) expect(out).not.toMatch(/Secret|token=Q/);
  });
});

describe('a failed delivery', () => {
  it('logs the host, never the URL fetch quotes in its error (here: a URL with credentials, which fetch refuses)', async () => {
    const lines: string[] = [];
    const hook = new Webhook(new URL('http://u:Secret@127.0.0.1:1/api/webhooks/1/TOKEN?token=Q'), (l) => lines.push(l), { timeoutMs: 2_000, retryDelaysMs: [], maxRetryAfterMs: 0 });
    await hook.send('hello');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^webhook 127\.0\.0\.1:1: notification not delivered/);
    expect(lines[0]).not.toMatch(/Secret|TOKEN|token=Q/);
  });
});
