import type { PayoutRow, SnapshotSummary } from '../domain/types.js';
import { replaceZipMembers, zipDirectory, zipMemberBytes, type ZipMember } from '../util/zipEntry.js';
import { writePayoutRow, writeSnapshotRow } from './changes.js';
import { HASH_HEADERS } from './layout.js';
import { COLUMNS, FIRST_DATA_ROW } from './schema.js';
import { markedKeywords, type VersionMark } from './versions.js';
import type * as Xlsx from './xlsx.js';

/**
 * Appending rows to one of ValTrac's own sheets without rewriting the workbook: only that sheet's XML part, the
 * workbook part (its print area grows with the rows), the properties part (the version mark) and, for an empty text,
 * the shared strings' count are written again; every other part of the package is copied byte for byte, compressed
 * data included. The rows are the ones the full write would give: the same values from the same row writer
 * (`writeSnapshotRow`, `writePayoutRow`), the cell styles the layout gives every data row (looked up in the styles
 * part), the `<dimension>` and print area grown to cover them.
 *
 * It only handles the package as ValTrac's xlsx library writes it, and says why it cannot whenever anything differs
 * (`{ fallback }`): the caller then writes the whole workbook, which is always right. The store calls it only for a file
 * that is byte for byte ValTrac's own last write, so the checks below guard against a library that writes another
 * shape, not against a person's edits.
 */

export type InPlace = { data: Buffer } | { fallback: string };

interface ParsedCell {
  col: number;
  style: number;
  type: string | null;
  inner: string | null;
  raw: string;
}

interface ParsedRow {
  r: number;
  attrs: string;
  /** The row's cells, parsed when asked for: a year of rows is copied without parsing each of its cells. */
  cells(): ParsedCell[];
  /** One cell of the row, or null when it has none there, found without parsing the others. */
  cell(column: number): ParsedCell | null;
  start: number;
  end: number;
}

/** A cell value as ValTrac's row writers leave it, and the number format they give it. */
interface NewCell {
  value: Xlsx.CellValue;
  numFmt: string | undefined;
}

class Fallback extends Error {}

function fail(why: string): never {
  throw new Fallback(why);
}

/** The Snapshots rows of `rows` whose block is not in the sheet yet, appended as `appendSnapshots` does. */
export function appendSnapshotsInPlace(data: Buffer, rows: SnapshotSummary[], mark: VersionMark): InPlace {
  return inPlace(data, mark, 'Snapshots', (existing) => {
    const present = new Set<number>();
    for (const row of existing) {
      const block = row.cell(1);
      if (!block || block.inner === null) continue;
      // A block typed as text is read by the full write's parser (digits in a string); this path reads numbers only.
      if (block.type !== null && block.type !== 'n') fail(`Snapshots!A${row.r} is not a number cell`);
      const value = /^<v>(\d+)<\/v>$/.exec(block.inner);
      if (!value) fail(`Snapshots!A${row.r} holds no plain block number`);
      present.add(Number(value[1]));
    }
    const added: Array<Map<number, NewCell>> = [];
    for (const snapshot of rows) {
      if (present.has(snapshot.block)) continue;
      present.add(snapshot.block);
      added.push(cellsWritten((row) => writeSnapshotRow(row, snapshot)));
    }
    // The columns whose values make a row a data row for `appendSnapshots` (its lastDataRow(snapshots, 8)).
    return { added, valueColumns: 8 };
  });
}

/**
 * A plan's Payouts rows, appended as `replacePlan` does when the sheet has no row still planned or carried (those it
 * removes first, moving the rows below them up: the full write does that).
 */
export function appendPayoutsInPlace(data: Buffer, rows: PayoutRow[], mark: VersionMark): InPlace {
  return inPlace(data, mark, 'Payouts', (existing, text) => {
    for (const row of existing) {
      const status = row.cell(2);
      const shown = status ? text(status).trim() : '';
      if (shown === 'planned' || shown === 'carried') fail(`Payouts row ${row.r} is ${shown}: the plan replaces such rows`);
    }
    // lastDataRow(payouts, 16), as replacePlan.
    return { added: rows.map((payout) => cellsWritten((row) => writePayoutRow(row, payout))), valueColumns: 16 };
  });
}

/** The cells a row writer sets, through a stand-in row: the values are exactly the ones the full write stores. */
function cellsWritten(write: (row: Xlsx.Row) => void): Map<number, NewCell> {
  const cells = new Map<number, { value: Xlsx.CellValue; style: Partial<Xlsx.Style> }>();
  const row = {
    getCell(column: number) {
      let cell = cells.get(column);
      if (!cell) cells.set(column, (cell = { value: null, style: {} }));
      return cell;
    },
  };
  write(row as unknown as Xlsx.Row);
  const result = new Map<number, NewCell>();
  for (const [column, cell] of cells) result.set(column, { value: cell.value, numFmt: typeof cell.style.numFmt === 'string' ? cell.style.numFmt : undefined });
  return result;
}

function inPlace(
  data: Buffer,
  mark: VersionMark,
  sheetName: 'Snapshots' | 'Payouts',
  rowsToAdd: (existing: ParsedRow[], text: (cell: ParsedCell) => string) => { added: Array<Map<number, NewCell>>; valueColumns: number },
): InPlace {
  try {
    const members = zipDirectory(data) ?? fail('the file is not a plain zip');
    const read = (name: string): string => {
      const member: ZipMember = members.find((m) => m.name === name) ?? fail(`the package has no ${name}`);
      return (zipMemberBytes(data, member) ?? fail(`${name} cannot be unpacked`)).toString('utf8');
    };
    const workbookXml = read('xl/workbook.xml');
    // Dates are stored as day numbers from 1900; a 1904-based workbook needs the library's other epoch.
    if (/<workbookPr\b[^>]*\bdate1904="(1|true)"/.test(workbookXml)) fail('the workbook counts dates from 1904');
    const { index, part } = sheetPart(workbookXml, read('xl/_rels/workbook.xml.rels'), sheetName);
    const sheetXml = read(part);
    const styles = cellStyles(read('xl/styles.xml'));
    const core = read('docProps/core.xml');

    const sheet = parseSheet(sheetXml, sheetName);
    const dataRows = sheet.rows.filter((r) => r.r >= FIRST_DATA_ROW);
    let shared: SharedStrings | null = null;
    const strings = () => (shared ??= sharedStrings(read('xl/sharedStrings.xml')));
    const { added, valueColumns } = rowsToAdd(dataRows, (cell) => cellString(cell, strings));
    const hasValue = (c: ParsedCell) => c.inner !== null && /<v>|<is>/.test(c.inner);
    let lastData = FIRST_DATA_ROW - 1;
    for (let i = dataRows.length - 1; i >= 0; i--) {
      if (dataRows[i]!.cells().some((c) => c.col <= valueColumns && hasValue(c))) {
        lastData = dataRows[i]!.r;
        break;
      }
    }

    // The style every data cell of a column gets: the layout's number format (else the row writer's), the hash
    // columns' indent, nothing else (a column with a style of its own would give new cells that style too).
    const columns = COLUMNS[sheetName];
    const styleOf = new Map<number, number>();
    for (let c = 1; c <= columns.length; c++) {
      const column = columns[c - 1]!;
      const numFmt = column.numFmt ?? added.find((cells) => cells.get(c)?.numFmt !== undefined)?.get(c)?.numFmt;
      styleOf.set(c, styles.find(numFmt, HASH_HEADERS.has(column.header)) ?? fail(`styles.xml has no cell style for ${sheetName} column ${c}`));
    }

    const newRows = new Map<number, string>();
    const below = new Map(sheet.rows.filter((row) => row.r > lastData).map((row) => [row.r, row]));
    let maxColumn = 0;
    added.forEach((cells, i) => {
      const r = lastData + 1 + i;
      const existing = below.get(r);
      const out = new Map<number, string>();
      // A row below the data may hold empty cells the layout styled: the full write fills those cells and keeps the rest.
      for (const cell of existing?.cells() ?? []) {
        if (hasValue(cell)) fail(`${sheetName} row ${r} has a value beyond the data columns`);
        if (styleOf.has(cell.col) && cell.style !== styleOf.get(cell.col)) fail(`${sheetName}!${columnLetter(cell.col)}${r} has a style of its own`);
        out.set(cell.col, cell.raw);
      }
      for (let c = 1; c <= columns.length; c++) {
        const cell = cellXml(`${columnLetter(c)}${r}`, styleOf.get(c)!, cells.get(c)?.value ?? null, strings);
        if (cell !== null) out.set(c, cell);
      }
      const used = [...out.keys()].sort((a, b) => a - b);
      maxColumn = Math.max(maxColumn, used.at(-1) ?? 0);
      const spans = used.length > 0 ? `${used[0]}:${used.at(-1)}` : null;
      const attrs = existing ? existing.attrs.replace(/\sspans="[^"]*"/, spans ? ` spans="${spans}"` : '') : `${spans ? ` spans="${spans}"` : ''}${sheet.dyDescent ? ' x14ac:dyDescent="0.25"' : ''}`;
      newRows.set(r, `<row r="${r}"${attrs.replace(/\sr="\d+"/, '')}>${used.map((c) => out.get(c)).join('')}</row>`);
    });

    const lastRow = Math.max(sheet.rows.at(-1)?.r ?? 0, lastData + added.length);
    const body = spliceRows(sheet, newRows);
    const dimension = grownDimension(sheet.head, lastRow, maxColumn);
    const newSheet = dimension + body + sheet.tail;
    const newWorkbook = grownPrintArea(workbookXml, index, Math.max(lastRow, FIRST_DATA_ROW));
    const keywords = /<cp:keywords>([^<]*)<\/cp:keywords>/.exec(core) ?? fail('docProps/core.xml has no keywords');
    const newCore = core.replace(keywords[0], `<cp:keywords>${markedKeywords(keywords[1]!, mark)}</cp:keywords>`);

    const replaced = new Map([
      [part, Buffer.from(newSheet, 'utf8')],
      ['xl/workbook.xml', Buffer.from(newWorkbook, 'utf8')],
      ['docProps/core.xml', Buffer.from(newCore, 'utf8')],
    ]);
    const counted = shared as SharedStrings | null;
    if (counted !== null && counted.added > 0) replaced.set('xl/sharedStrings.xml', Buffer.from(counted.recounted(), 'utf8'));
    const zip = replaceZipMembers(data, replaced) ?? fail('the zip cannot be rewritten member by member (ZIP64 or encrypted)');
    return { data: zip };
  } catch (error) {
    if (error instanceof Fallback) return { fallback: error.message };
    throw error;
  }
}

/** The sheet's position among the sheets (its print area's localSheetId) and its part name. */
function sheetPart(workbookXml: string, relsXml: string, name: string): { index: number; part: string } {
  const sheets = [...workbookXml.matchAll(/<sheet\b([^>]*?)\/>/g)].map((m) => attributes(m[1]!));
  const index = sheets.findIndex((s) => s.name === name);
  if (index < 0) fail(`xl/workbook.xml names no sheet ${name}`);
  const id = sheets[index]!['r:id'] ?? fail(`sheet ${name} has no relationship id`);
  const rel = [...relsXml.matchAll(/<Relationship\b([^>]*?)\/>/g)].map((m) => attributes(m[1]!)).find((r) => r.Id === id);
  const target = rel?.Target ?? fail(`no relationship ${id} for sheet ${name}`);
  return { index, part: target.startsWith('/') ? target.slice(1) : `xl/${target}` };
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([\w:]+)="([^"]*)"/g)) out[m[1]!] = m[2]!;
  return out;
}

/** Elements of a worksheet whose meaning does not depend on how many rows there are (or that ValTrac writes itself). */
const KNOWN_ELEMENTS = new Set([
  'worksheet', 'sheetPr', 'tabColor', 'pageSetUpPr', 'outlinePr', 'dimension', 'sheetViews', 'sheetView', 'pane',
  'selection', 'sheetFormatPr', 'cols', 'col', 'pageMargins', 'pageSetup', 'printOptions', 'headerFooter', 'oddHeader',
  'oddFooter', 'legacyDrawing',
]);

function parseSheet(xml: string, name: string): { head: string; tail: string; body: string; rows: ParsedRow[]; dyDescent: boolean } {
  const open = xml.indexOf('<sheetData>');
  const close = xml.indexOf('</sheetData>');
  if (open < 0 || close < open) fail(`the ${name} sheet has no rows element in the expected form`);
  const head = xml.slice(0, open + '<sheetData>'.length);
  const tail = xml.slice(close);
  // Tables, filters, merged cells, validations, conditional formats, hyperlinks and extensions may cover rows: the
  // full write keeps them right, this path would not know how to.
  for (const m of (xml.slice(0, open) + tail).matchAll(/<([A-Za-z][\w:.-]*)/g)) {
    if (!KNOWN_ELEMENTS.has(m[1]!)) fail(`the ${name} sheet has a <${m[1]}> element`);
  }
  // A new cell takes its column's style in the full write; ValTrac's columns have none, so one that has is a change.
  if (/<col\b[^>]*\sstyle="/.test(head)) fail(`a column of ${name} has a style of its own`);
  const body = xml.slice(open + '<sheetData>'.length, close);
  // A formula's cached value and shared formulas are the library's business: the full write handles them.
  if (/<f[\s>/]/.test(body)) fail(`the ${name} sheet has formulas`);
  const rows: ParsedRow[] = [];
  const rowPattern = /<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g;
  let expected = 0;
  for (let m = rowPattern.exec(body); m !== null; m = rowPattern.exec(body)) {
    if (m.index !== expected) fail(`the ${name} sheet has something other than rows in its sheet data`);
    expected = m.index + m[0].length;
    const attrs = m[1]!;
    const r = Number(/\br="(\d+)"/.exec(attrs)?.[1] ?? NaN);
    if (!Number.isSafeInteger(r) || (rows.length > 0 && r <= rows.at(-1)!.r)) fail(`the ${name} sheet's rows are not numbered in order`);
    const content = m[2] ?? '';
    let parsed: ParsedCell[] | null = null;
    const cells = () => (parsed ??= parseCells(content, r, name));
    const cell = (column: number): ParsedCell | null => {
      const ref = `${columnLetter(column)}${r}`;
      const at = content.indexOf(`<c r="${ref}"`);
      // The library writes the address first; a cell written otherwise is found by parsing the row.
      if (at < 0) return content.includes(`r="${ref}"`) ? (cells().find((c) => c.col === column) ?? null) : null;
      const found = /^<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/.exec(content.slice(at)) ?? fail(`${name}!${ref} is not a cell in the expected form`);
      const a = attributes(found[1]!);
      return { col: column, style: Number(a.s ?? 0), type: a.t ?? null, inner: found[2] ?? null, raw: found[0] };
    };
    rows.push({ r, attrs, cells, cell, start: m.index, end: expected });
  }
  if (expected !== body.length) fail(`the ${name} sheet has something other than rows in its sheet data`);
  const dyDescent = /<worksheet\b[^>]*\sxmlns:x14ac="/.test(head);
  return { head, tail, body, rows, dyDescent };
}

function parseCells(content: string, r: number, name: string): ParsedCell[] {
  const cells: ParsedCell[] = [];
  const cellPattern = /<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g;
  let at = 0;
  for (let c = cellPattern.exec(content); c !== null; c = cellPattern.exec(content)) {
    if (c.index !== at) fail(`row ${r} of ${name} has something other than cells`);
    at = c.index + c[0].length;
    const a = attributes(c[1]!);
    const ref = /^([A-Z]+)(\d+)$/.exec(a.r ?? '');
    if (!ref || Number(ref[2]) !== r) fail(`row ${r} of ${name} has a cell without its address`);
    cells.push({ col: columnNumber(ref[1]!), style: Number(a.s ?? 0), type: a.t ?? null, inner: c[2] ?? null, raw: c[0] });
  }
  if (at !== content.length) fail(`row ${r} of ${name} has something other than cells`);
  return cells;
}

/** The sheet data with the rows of `replaced` put in place (replacing a row of the same number, or inserted in order). */
function spliceRows(sheet: { body: string; rows: ParsedRow[] }, replaced: Map<number, string>): string {
  const parts: string[] = [];
  let at = 0;
  const pending = [...replaced.keys()].sort((a, b) => a - b);
  for (const row of sheet.rows) {
    while (pending.length > 0 && pending[0]! < row.r) {
      parts.push(sheet.body.slice(at, row.start), replaced.get(pending.shift()!)!);
      at = row.start;
    }
    if (pending[0] === row.r) {
      parts.push(sheet.body.slice(at, row.start), replaced.get(pending.shift()!)!);
      at = row.end;
    }
  }
  parts.push(sheet.body.slice(at));
  for (const r of pending) parts.push(replaced.get(r)!);
  return parts.join('');
}

/** The head with its `<dimension>` grown to `lastRow` and `maxColumn`, as the library computes it from the cells. */
function grownDimension(head: string, lastRow: number, maxColumn: number): string {
  const m = /<dimension ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"\/>/.exec(head) ?? fail('the sheet has no <dimension> range');
  const right = columnLetter(Math.max(columnNumber(m[3]!), maxColumn));
  return head.replace(m[0], `<dimension ref="${m[1]}${m[2]}:${right}${Math.max(Number(m[4]), lastRow)}"/>`);
}

/** xl/workbook.xml with the sheet's print area reaching `lastRow`, as the layout sets it on every write. */
function grownPrintArea(xml: string, index: number, lastRow: number): string {
  const pattern = new RegExp(`(<definedName name="_xlnm\\.Print_Area" localSheetId="${index}">[^<]*!\\$A\\$1:\\$[A-Z]+\\$)(\\d+)(</definedName>)`);
  const m = pattern.exec(xml) ?? fail('the sheet has no print area in the form the layout writes');
  return xml.replace(m[0], `${m[1]}${lastRow}${m[3]}`);
}

/** The cell as the library writes it (numbers and dates as `<v>`), strings inline; null for an empty unstyled cell. */
function cellXml(ref: string, style: number, value: Xlsx.CellValue, strings: () => SharedStrings): string | null {
  const s = style === 0 ? '' : ` s="${style}"`;
  if (value === null || value === undefined) return style === 0 ? null : `<c r="${ref}"${s}/>`;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(`${ref} would hold ${value}`);
    return `<c r="${ref}"${s}><v>${String(value)}</v></c>`;
  }
  if (value instanceof Date) {
    // The library's day number: days since 1899-12-30 (the 1900 date system), fractions for the time of day.
    return `<c r="${ref}"${s}><v>${String(25569 + value.getTime() / 86_400_000)}</v></c>`;
  }
  if (typeof value === 'string') {
    // The full write keeps strings in the shared strings part; an inline string reads back as the same text and
    // leaves that part untouched.
    // An empty inline string reads back as no value, where the full write's empty shared string reads back as '':
    // the empty string already in the shared strings is referred to instead.
    if (value === '') return `<c r="${ref}"${s} t="s"><v>${strings().refer('')}</v></c>`;
    if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/.test(value)) fail(`${ref} would hold text this path does not write`);
    const space = /^\s|\s$/.test(value) ? ' xml:space="preserve"' : '';
    return `<c r="${ref}"${s} t="inlineStr"><is><t${space}>${escapeXml(value)}</t></is></c>`;
  }
  fail(`${ref} would hold a value of another kind`);
}

interface SharedStrings {
  text(index: number): string;
  /** The index of `text` among the shared strings, counted as one more reference (see recounted). */
  refer(text: string): number;
  added: number;
  /** The part with its `count` (references in the workbook) raised by the references added. */
  recounted(): string;
}

function sharedStrings(xml: string): SharedStrings {
  const items = [...xml.matchAll(/<si>([\s\S]*?)<\/si>|<si\/>/g)].map((m) => m[1] ?? '');
  const decode = (item: string) => [...item.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((t) => unescapeXml(t[1]!)).join('');
  const found = new Map<string, number>();
  const result: SharedStrings = {
    added: 0,
    text(index) {
      const item = items[index];
      if (item === undefined) fail(`shared string ${index} does not exist`);
      return decode(item);
    },
    refer(text) {
      // Rich text (runs) is not the plain string the full write stores.
      const index = found.get(text) ?? items.findIndex((item) => !item.includes('<r>') && decode(item) === text);
      if (index < 0) fail(`the shared strings hold no ${JSON.stringify(text)}`);
      found.set(text, index);
      result.added++;
      return index;
    },
    recounted() {
      const sst = /<sst\b[^>]*>/.exec(xml) ?? fail('the shared strings part has no <sst> element');
      const count = /\scount="(\d+)"/.exec(sst[0]);
      return count ? xml.replace(sst[0], sst[0].replace(count[0], ` count="${Number(count[1]) + result.added}"`)) : xml;
    },
  };
  return result;
}

/** A cell's text as a reader shows it: shared, inline or formula-string text; '' for numbers and empty cells. */
function cellString(cell: ParsedCell, strings: () => SharedStrings): string {
  const inner = cell.inner ?? '';
  if (cell.type === 's') return strings().text(Number(/<v>(\d+)<\/v>/.exec(inner)?.[1] ?? fail(`${cell.raw} has no string index`)));
  if (cell.type === 'inlineStr') return [...inner.matchAll(/<t(?:\s[^>]*)?>([^<]*)<\/t>/g)].map((t) => unescapeXml(t[1]!)).join('');
  if (cell.type === 'str') return unescapeXml(/<v>([^<]*)<\/v>/.exec(inner)?.[1] ?? '');
  return '';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/**
 * The cell styles of styles.xml, to find the one a plain data cell with a number format (and the hashes' indent) has:
 * the default font, no fill, no border, nothing else. A workbook without it gets it from the full write.
 */
function cellStyles(xml: string): { find(numFmt: string | undefined, indent: boolean): number | null } {
  const formats = new Map<string, number>();
  for (const m of xml.matchAll(/<numFmt\b([^>]*?)\/>/g)) {
    const a = attributes(m[1]!);
    if (a.numFmtId !== undefined && a.formatCode !== undefined) formats.set(unescapeXml(a.formatCode), Number(a.numFmtId));
  }
  const section = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? fail('styles.xml has no cell styles');
  const xfs = [...section.matchAll(/<xf\b([^>]*?)(?:\/>|>([\s\S]*?)<\/xf>)/g)].map((m) => ({ a: attributes(m[1]!), inner: m[2] ?? '' }));
  return {
    find(numFmt, indent) {
      const id = numFmt === undefined ? 0 : formats.get(numFmt);
      if (id === undefined) return null;
      const inner = indent ? '<alignment indent="1"/>' : '';
      const i = xfs.findIndex(({ a, inner: got }) =>
        Number(a.numFmtId ?? 0) === id && Number(a.fontId ?? 0) === 0 && Number(a.fillId ?? 0) === 0 && Number(a.borderId ?? 0) === 0 && Number(a.xfId ?? 0) === 0 && got === inner,
      );
      return i < 0 ? null : i;
    },
  };
}

function columnNumber(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

function columnLetter(n: number): string {
  let letters = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) letters = String.fromCharCode(65 + ((k - 1) % 26)) + letters;
  return letters;
}
