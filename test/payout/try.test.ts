import { it } from 'vitest';
import { setUpProgram, tearDown, valtrac } from './harness.js';
it('try', async () => {
  const s = await setUpProgram('try');
  try {
    const p = await valtrac(['plan', '--workbook', s.workbook, '--pool', '10']);
    console.log(p.code, p.stdout, p.stderr);
    s.chain.resumeProduction();
    const c = await valtrac(['confirm', '--workbook', s.workbook, '--yes'], s.env);
    console.log(c.code, c.stdout, c.stderr);
  } finally { await tearDown(s); }
}, 300_000);
