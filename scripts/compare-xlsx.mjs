// Compares xlsx libraries on what ValTrac needs of one: its own sheet features written and read back, the same file
// after openpyxl and after a real LibreOffice saved it, features other writers use that ValTrac does not write, and
// the time to read and write a small and a year-old workbook. Not shipped and not a test: the candidates are installed
// apart, e.g.
//   npm install --prefix /tmp/xlsx-candidates exceljs@4.4.0 @protobi/exceljs @cj-tech-master/excelts
//   node scripts/compare-xlsx.mjs /tmp/xlsx-candidates          (add "timings" to measure only)
// Needs Debian's /usr/bin/python3 with python3-openpyxl and python3-uno, and libreoffice-calc-nogui.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';

const candidatesDir = process.argv[2];
const timingsOnly = process.argv[3] === 'timings';
if (!candidatesDir) throw new Error('usage: node scripts/compare-xlsx.mjs DIR (DIR/node_modules has the candidates)');
const repo = path.resolve(import.meta.dirname, '..');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xlsx-compare-'));
const require = createRequire(path.join(path.resolve(candidatesDir), 'package.json'));

const CANDIDATES = [
  ['exceljs 4.4.0', 'exceljs'],
  ['@protobi/exceljs', '@protobi/exceljs'],
  ['@cj-tech-master/excelts', '@cj-tech-master/excelts'],
];

async function load(name) {
  const entry = require.resolve(name);
  const mod = await import(pathToFileURL(entry).href);
  return mod.Workbook ? mod : mod.default;
}

// excelts checks every file it writes against OOXML unless told not to (seconds on a big workbook, and warnings on
// the console); the exceljs forks ignore the option.
const WRITE = { validate: false };
const WHEN = new Date('2026-05-01T10:00:00Z');
const SHEETS = ['Users', 'Referrals', 'Settings', 'Snapshots', 'Payouts', 'Problems'];

/** A workbook laid out the way src/workbook/layout.ts lays out ValTrac's, through the library's own API. */
function valtracBook(L, { users = 3, snapshots = 1, payouts = 1 } = {}) {
  const book = new L.Workbook();
  for (const name of SHEETS) {
    const ws = book.addWorksheet(name);
    ws.properties.tabColor = { argb: 'FF2E7D32' };
    ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 2, topLeftCell: 'A3', activeCell: 'A3' }];
    ws.pageSetup = { ...ws.pageSetup, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2' };
    ws.getCell('A1').value = `${name}: title`;
    ws.getCell('A1').style = { font: { bold: true, size: 12 } };
    for (let c = 1; c <= 8; c++) {
      const h = ws.getCell(2, c);
      h.value = `${name} header ${c}`;
      h.note = `What column ${c} of ${name} holds.`;
      h.style = { font: { bold: true }, fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE0E0E0' } } };
      ws.getColumn(c).width = 20;
    }
  }
  const u = book.getWorksheet('Users');
  for (let i = 0; i < users; i++) {
    u.getCell(3 + i, 1).value = `user${i}`;
    u.getCell(3 + i, 2).value = `5F3sa2TJAWMqDhXG6jhV4N8ko9SxwGy8TpaNS1repo${String(i).padStart(6, '0')}`;
  }
  const r = book.getWorksheet('Referrals');
  r.getCell('A3').value = 'user0';
  r.getCell('B3').value = 'user1';
  r.getCell('C3').value = 0.0015;
  r.getCell('C3').style = { numFmt: '0.####%' };
  r.dataValidations.add('A3:A600', { type: 'list', allowBlank: true, formulae: ['Users!$A$3:$A$2000'], showErrorMessage: true, errorStyle: 'warning', error: 'Not a user.' });
  r.dataValidations.add('C3:C600', { type: 'decimal', operator: 'between', allowBlank: true, formulae: [0, 100], showErrorMessage: true, errorStyle: 'stop', error: '0 to 100.' });
  const s = book.getWorksheet('Snapshots');
  for (let i = 0; i < snapshots; i++) {
    const row = s.getRow(3 + i);
    row.getCell(1).value = 1000 + 300 * i;
    row.getCell(2).value = `0x${'ab'.repeat(32)}`;
    row.getCell(3).value = new Date(WHEN.getTime() + 3_600_000 * i);
    row.getCell(3).style = { numFmt: 'yyyy-mm-dd hh:mm:ss' };
    for (let c = 4; c <= 8; c++) {
      row.getCell(c).value = c === 7 ? 5000 : 1.5 + i;
      if (c !== 7) row.getCell(c).style = { numFmt: '0.000000000' };
    }
  }
  const p = book.getWorksheet('Payouts');
  for (let i = 0; i < payouts; i++) {
    const row = p.getRow(3 + i);
    const values = [`P${1000 + i}-0a1b2c3d`, 'paid', 1000, 1300, 12.5, `user${i % 500}`, '5F3sa2TJAWMqDhXG6jhV4N8ko9SxwGy8TpaNS1repo5EYjQX', 0.001, 0, 0, 0.0125, 1, `0x${'cd'.repeat(32)}`, 1400, `0x${'ef'.repeat(32)}`, ''];
    values.forEach((v, c) => (row.getCell(c + 1).value = v));
  }
  return book;
}

function validationAt(ws, address) {
  const model = ws.dataValidations?.model ?? {};
  if (model[address]) return model[address];
  for (const [range, v] of Object.entries(model)) {
    // exceljs keys a range by its address, or by each cell; a "range:" prefix in some versions.
    const ref = range.replace(/^range:/, '');
    for (const part of ref.split(/\s+/)) {
      const [a, b] = part.split(':');
      if (!b) continue;
      const col = (x) => x.replace(/\d+/g, '');
      const row = (x) => Number(x.replace(/\D+/g, ''));
      if (col(a) === col(address) && row(a) <= row(address) && row(address) <= row(b)) return v;
    }
  }
  return ws.dataValidations?.find?.(address);
}

function text(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && v.richText) return v.richText.map((r) => r.text).join('');
  if (typeof v === 'object' && 'text' in v) return String(v.text);
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function noteText(note) {
  if (!note) return '';
  if (typeof note === 'string') return note;
  return (note.texts ?? []).map((t) => t.text).join('');
}

/** The checks ValTrac's round trips rely on, each true/false (or a reason). */
function checks(book, { edited, foreign }) {
  const get = (name) => book.getWorksheet(name);
  const u = get('Users');
  const r = get('Referrals');
  const s = get('Snapshots');
  const out = {};
  const list = validationAt(r, 'A3');
  const dec = validationAt(r, 'C3');
  out['data validations'] =
    list?.type === 'list' && String(list.formulae?.[0]).replace(/^=/, '') === 'Users!$A$3:$A$2000' && dec?.type === 'decimal' && Number(dec.formulae?.[1]) === 100;
  out.notes = noteText(u.getCell('B2').note).startsWith('What column 2');
  out.fills = u.getCell('B2').fill?.fgColor?.argb === 'FFE0E0E0';
  const view = u.views?.[0];
  out['frozen panes'] = view?.state === 'frozen' && view?.ySplit === 2;
  out['page setup'] = u.pageSetup?.orientation === 'landscape' && u.pageSetup?.fitToWidth === 1 && u.pageSetup?.printTitlesRow === '1:2';
  const when = s.getCell('C3').value;
  out.dates = when instanceof Date && Math.abs(when.getTime() - WHEN.getTime()) < 1000;
  out['number formats'] = s.getCell('D3').numFmt === '0.000000000' && s.getCell('D3').value === 1.5 && r.getCell('C3').numFmt === '0.####%' && r.getCell('C3').value === 0.0015;
  if (edited) out['the edit'] = text(u.getCell('A6').value) === 'bob';
  if (foreign) {
    const names = [];
    u.eachRow((row) => names.push(text(row.getCell(1).value)));
    out['inline string'] = names.includes('carol');
    out['rich text'] = names.includes('dave');
    let shared = false;
    r.eachRow((row) => {
      const v = row.getCell(5).value;
      if (v && typeof v === 'object' && ('sharedFormula' in v || 'formula' in v)) shared = true;
    });
    out['shared formula'] = shared;
    const ext = validationAt(r, 'F5');
    out['extLst validation (#1184)'] = ext?.type === 'list';
  }
  return out;
}

function zipHas(file, part) {
  const list = execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' });
  return list.split('\n').includes(part);
}

function python(args) {
  execFileSync('/usr/bin/python3', [path.join(repo, 'test', 'other_writers.py'), ...args], { stdio: 'inherit' });
}

/** LibreOffice opens `file`, the user types in Users!A6, it saves over the file: test/lo_editor.py over UNO. */
async function libreofficeEdit(file) {
  const child = spawn('/usr/bin/python3', [path.join(repo, 'test', 'lo_editor.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value);
  await next();
  for (const cmd of [{ op: 'open', path: file }, { op: 'type', sheet: 'Users', cell: 'A6', text: 'bob' }, { op: 'save' }, { op: 'close' }]) {
    child.stdin.write(`${JSON.stringify(cmd)}\n`);
    const answer = await next();
    if (answer.error) throw new Error(`LibreOffice: ${answer.error}`);
  }
  child.stdin.write(`${JSON.stringify({ op: 'quit' })}\n`);
  await new Promise((resolve) => child.once('exit', resolve));
}

async function readBook(L, file) {
  const book = new L.Workbook();
  await book.xlsx.readFile(file);
  return book;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median CPU time (user + system) of `fn`: on a shared, loaded machine wall time says more about the neighbours. */
async function time(fn, runs = 3) {
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t = process.cpuUsage();
    await fn();
    const used = process.cpuUsage(t);
    ms.push((used.user + used.system) / 1000);
  }
  return median(ms);
}

const results = {};
const timings = {};
for (const [label, name] of CANDIDATES) {
  const importCpuMs = Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', `const t=process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(require.resolve(name)).href)}); const u=process.cpuUsage(t); console.log((u.user+u.system)/1000)`], { encoding: 'utf8' }),
  );
  const L = await load(name);
  const dir = path.join(work, name.replace(/[@/]/g, '_'));
  fs.mkdirSync(dir, { recursive: true });
  if (!timingsOnly) results[label] = await features(L, dir);
  timings[label] = { importCpuMs, ...(await timed(L, dir)) };
  console.error(`${label}: done`);
}

console.log(JSON.stringify({ results, timings }, null, 2));
fs.rmSync(work, { recursive: true, force: true });

async function features(L, dir) {
  const own = path.join(dir, 'own.xlsx');
  const book = valtracBook(L);
  await book.xlsx.writeFile(own, WRITE);
  const openpyxl = path.join(dir, 'openpyxl.xlsx');
  python(['edit', own, openpyxl, JSON.stringify({ 'Users!A6': 'bob' })]);
  const foreign = path.join(dir, 'foreign.xlsx');
  python(['foreign', openpyxl, foreign]);
  const lo = path.join(dir, 'libreoffice.xlsx');
  fs.copyFileSync(own, lo);
  await libreofficeEdit(lo);

  const row = {};
  for (const [source, file, opts] of [
    ['written by the library', own, {}],
    ['saved by openpyxl', openpyxl, { edited: true }],
    ['saved by LibreOffice', lo, { edited: true }],
    ['foreign features', foreign, { edited: true, foreign: true }],
  ]) {
    for (const round of ['read', 'read, written, read again']) {
      let outcome;
      try {
        let b = await readBook(L, file);
        if (round !== 'read') {
          const again = path.join(dir, `again-${path.basename(file)}`);
          await b.xlsx.writeFile(again, WRITE);
          b = await readBook(L, again);
          if (opts.foreign) outcome = { 'theme kept': zipHas(again, 'xl/theme/theme1.xml') };
        }
        outcome = { ...checks(b, opts), ...outcome };
      } catch (error) {
        outcome = { error: error.message.split('\n')[0] };
      }
      row[`${source}: ${round}`] = outcome;
    }
  }
  return row;
}

async function timed(L, dir) {
  const small = path.join(dir, 'small.xlsx');
  await valtracBook(L).xlsx.writeFile(small, WRITE);
  const year = path.join(dir, 'year.xlsx');
  await valtracBook(L, { users: 500, snapshots: 8760, payouts: 26000 }).xlsx.writeFile(year, WRITE);
  const t = {};
  for (const [what, file, runs] of [['small', small, 5], ['year', year, 2]]) {
    const loaded = await readBook(L, file);
    t[`${what} read ms`] = await time(() => readBook(L, file), runs);
    t[`${what} write ms`] = await time(() => loaded.xlsx.writeBuffer(WRITE), runs);
    t[`${what} bytes`] = fs.statSync(file).size;
  }
  return t;
}
