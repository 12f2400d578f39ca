import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readXlsxFile, xlsxBytes } from '../src/workbook/xlsx.js';
import { REPO } from './host.js';
import { peakRssMb, type Sample } from './measure.js';


/** A copy of the workbook with one address mistyped (a person's edit), saved beside it under a name the watcher ignores. */
async function editedCopy(workbook: string): Promise<{ file: string; cell: string }> {
  const book = await readXlsxFile(workbook);
  const cell = book.getWorksheet('Users')!.getCell('B3');
  const address = String(cell.value);
  cell.value = `${address.slice(0, 20)}${address[20] === 'a' ? 'b' : 'a'}${address.slice(21)}`;
  const file = path.join(path.dirname(workbook), '.person-save.tmp');
  fs.writeFileSync(file, await xlsxBytes(book));
  return { file, cell: 'Users!B3' };
}

/**
 * Starts `valtrac watch`, then does what an editor's save does (write elsewhere, rename over the workbook) and times
 * until the watcher has replaced the file with its feedback; checks that the feedback names the mistyped cell.
 */
export async function measureWatcher(workbook: string): Promise<Sample> {
  const edit = await editedCopy(workbook);
  const child = spawn(process.execPath, [path.join(REPO, 'dist/cli.js'), 'watch', '--workbook', workbook], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  try {
    for (let waited = 0; !out.includes('watching'); waited += 20) {
      if (waited > 120_000 || child.exitCode !== null) throw new Error(`valtrac watch did not start: ${out}`);
      await sleep(20);
    }
    const start = performance.now();
    fs.renameSync(edit.file, workbook);
    const saved = fs.statSync(workbook).ino;
    for (let waited = 0; fs.statSync(workbook).ino === saved; waited += 5) {
      if (waited > 120_000) throw new Error(`valtrac watch did not write feedback: ${out}`);
      await sleep(5);
    }
    const ms = performance.now() - start;
    const rssMb = peakRssMb(child.pid!);
    const book = await readXlsxFile(workbook);
    const problems: string[] = [];
    book.getWorksheet('Problems')!.eachRow((row) => problems.push(`${row.getCell(1).text}!${row.getCell(2).text}: ${row.getCell(3).text}`));
    const problem = problems.find((p) => p.startsWith(edit.cell));
    if (!problem) throw new Error(`the watcher's feedback does not name ${edit.cell}: ${problems.join(' / ')}`);
    return { ms, rssMb, details: { problem: problem.slice(0, 90) } };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}
