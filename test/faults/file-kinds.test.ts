/**
 * What --workbook may point at and how a file that cannot be read is answered: a named pipe is refused at once (it
 * hung `check` and `users add`), a read-only workbook stays read-only, a zip bomb is refused before anything is
 * inflated, and "restore it from .backup" is said only for a damaged file with a backup, naming the newest one.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { address, baseWorkbookCopies, treeDigest, valtrac } from './helpers.js';

const folder = baseWorkbookCopies(async (base) => {
  const r = await valtrac(['users', 'add', 'Erin', address(6), '--workbook', path.join(base, 'valtrac.xlsx')], { cwd: base });
  if (r.code !== 0) throw new Error(r.stderr);
});

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('only regular files are opened', () => {
  it('a named pipe as --workbook: check and users add answer at once, naming it', async () => {
    const { dir } = folder();
    const fifo = path.join(dir, 'pipe.xlsx');
    execFileSync('mkfifo', [fifo]);
    for (const args of [['check'], ['users', 'add', 'Frank', address(7)]]) {
      const started = Date.now();
      const r = await valtrac([...args, '--workbook', fifo], { cwd: dir, timeoutMs: 15_000 });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/pipe\.xlsx is a named pipe, not a workbook file/);
      noStack(r.stderr);
    }
  });

  it('a folder as --workbook: named as a folder', async () => {
    const { dir } = folder();
    const r = await valtrac(['check', '--workbook', dir], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is a folder, not a workbook file/);
  });
});

describe('a read-only workbook (chmod 444)', () => {
  it('stays read-only: users add and check are refused with the reason, the file keeps its mode and bytes', async () => {
    const { dir, workbook } = folder();
    fs.chmodSync(workbook, 0o444);
    const before = treeDigest(dir);
    for (const args of [['users', 'add', 'Frank', address(7)], ['settings', 'set', 'interval', '100']]) {
      const r = await valtrac([...args, '--workbook', workbook], { cwd: dir });
      expect(r.code, r.stdout).toBe(1);
      expect(r.stderr).toMatch(/valtrac\.xlsx is read-only \(permissions 444\).*wrote nothing.*chmod u\+w/);
      noStack(r.stderr);
    }
    expect(fs.statSync(workbook).mode & 0o777).toBe(0o444);
    expect(treeDigest(dir)).toEqual(before);
  });
});

/** A one-member zip of `size` zero bytes, built by hand (local header, data, central directory, end record). */
async function bomb(file: string, size: number): Promise<void> {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const stream = zlib.createDeflateRaw({ level: 1 });
  const parts: Buffer[] = [];
  stream.on('data', (d: Buffer) => parts.push(d));
  const ended = new Promise((resolve) => stream.on('end', resolve));
  const chunk = Buffer.alloc(1 << 22);
  let crc = 0;
  for (let done = 0; done < size; done += chunk.length) {
    crc = zlib.crc32(chunk, crc);
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
  await ended;
  const data = Buffer.concat(parts);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc >>> 0, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(size, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc >>> 0, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(local.length + name.length + data.length, 16);
  fs.writeFileSync(file, Buffer.concat([local, name, data, central, name, end]));
}

describe('a zip bomb as the workbook', () => {
  it('one 1 GiB member: refused from the declared sizes in well under the 13 s it took, nothing written', async () => {
    const { dir, workbook } = folder();
    await bomb(workbook, 2 ** 30);
    const before = treeDigest(dir);
    const started = Date.now();
    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/declares 1024 MiB of content once unpacked.*nothing was unpacked/);
    noStack(r.stderr);
    expect(treeDigest(dir)).toEqual(before);
  }, 60_000);
});

describe('advice to restore from .backup', () => {
  it('a damaged file with backups: names the newest backup', async () => {
    const { dir, workbook } = folder();
    const backups = fs.readdirSync(path.join(dir, '.backup')).sort();
    fs.truncateSync(workbook, 4000);
    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Restore it from the newest backup, ${path.join(dir, '.backup', backups.at(-1)!)}`);
  });

  it('a damaged file without a backup: says there is none, names no folder to restore from', async () => {
    const { dir, workbook } = folder();
    fs.rmSync(path.join(dir, '.backup'), { recursive: true });
    fs.writeFileSync(workbook, '');
    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot be read as an \.xlsx workbook \(it is empty\)\. There is no backup of it/);
    expect(r.stderr).not.toMatch(/Restore it from/);
  });

  it('a valid .xlsx that ValTrac cannot parse is not called damaged: save it again, no restore', async () => {
    const { dir, workbook } = folder();
    // A workbook whose sheet XML is cut short inside a complete zip: a writer ValTrac does not understand.
    const cut = [
      'import sys, zipfile',
      'src = zipfile.ZipFile(sys.argv[1]); items = [(i, src.read(i.filename)) for i in src.infolist()]; src.close()',
      'with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as out:',
      '    for info, data in items: out.writestr(info, b"<workbook><sheets><sheet" if info.filename == "xl/workbook.xml" else data)',
    ].join('\n');
    execFileSync('/usr/bin/python3', ['-c', cut, workbook]);
    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/is an \.xlsx file that ValTrac cannot read .*save it again as \.xlsx/);
    expect(r.stderr).not.toMatch(/Restore it from/);
  });
});
