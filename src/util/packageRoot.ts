import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The folder of ValTrac's package.json: found by walking up from this module, so it is the same whether the code runs
 * from the bundled CLI (dist/valtrac.js), the bench (bench/dist/src/util/) or the sources under test (src/util/).
 */
export function packageRoot(): string {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`ValTrac's package.json was not found above ${fileURLToPath(import.meta.url)}`);
  }
}
