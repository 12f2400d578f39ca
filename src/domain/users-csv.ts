import { columnLetter } from './a1.js';
import { parseCsv } from './csv.js';
import type { User } from './types.js';
import { validateUsers } from './validate.js';

export interface CsvProblem {
  line: number;
  /** 1-based column; 0 when the problem is the whole line. */
  column: number;
  header: string;
  message: string;
  fix: string;
}

export interface UserEntry {
  name: string;
  addresses: string[];
}

/**
 * Reads `Name,Address1,Address2,...` (header row first; empty cells, trailing or not, are allowed) and checks every row
 * the way the Users sheet is checked. Problems name the CSV line and column.
 */
export function parseUsersCsv(text: string): { users: UserEntry[]; problems: CsvProblem[] } {
  const { records, error } = parseCsv(text);
  if (error) return { users: [], problems: [{ line: error.line, column: 0, header: '', message: `The CSV cannot be read: ${error.message}.`, fix: 'Fix the quoting on that line.' }] };
  const [header, ...rows] = records;
  if (!header || header.cells[0]?.trim().toLowerCase() !== 'name') {
    return {
      users: [],
      problems: [{ line: header?.line ?? 1, column: 1, header: '', message: 'The first line is not the header Name,Address1,Address2,...', fix: 'Add the header line Name,Address1,Address2 at the top.' }],
    };
  }
  const headerOf = (column: number) => header.cells[column - 1]?.trim() || `column ${column}`;
  const users: User[] = [];
  for (const record of rows) {
    if (record.cells.every((c) => c === '')) continue;
    const addresses: string[] = [];
    const addressCells: string[] = [];
    record.cells.slice(1).forEach((cell, i) => {
      if (cell === '') return;
      addresses.push(cell);
      addressCells.push(`${columnLetter(i + 2)}${record.line}`);
    });
    users.push({ name: record.cells[0] ?? '', addresses, row: record.line, addressCells });
  }
  const problems = validateUsers(users).map((p): CsvProblem => {
    const [, letters, digits] = /^([A-Z]+)(\d+)$/.exec(p.cell)!;
    const column = [...letters!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    return { line: Number(digits), column, header: headerOf(column), message: p.message, fix: p.fix };
  });
  return { users: users.map(({ name, addresses }) => ({ name, addresses })), problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) };
}

export function formatCsvProblem(file: string, p: CsvProblem): string {
  const where = p.column === 0 ? `line ${p.line}` : `line ${p.line}, column ${p.column} (${p.header})`;
  return `${file} ${where}: ${p.message} Fix: ${p.fix}`;
}
