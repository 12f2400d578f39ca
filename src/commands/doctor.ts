import type { ArgumentsCamelCase, Argv } from 'yargs';
import { healthChecks, type Check } from '../domain/health.js';
import { networkOption, type NetworkArgs, type WorkbookArgs } from './common.js';
import { gatherStatus } from './status.js';
import { out } from '../util/output.js';

type DoctorArgs = WorkbookArgs & NetworkArgs;

export function builder(yargs: Argv<WorkbookArgs>): Argv<DoctorArgs> {
  return networkOption(yargs).example('valtrac doctor', '');
}

const MARK: Record<Check['level'], string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

export async function handler(argv: ArgumentsCamelCase<DoctorArgs>): Promise<void> {
  const checks = healthChecks(await gatherStatus(argv.workbook, argv));
  for (const c of checks) out.line(`${MARK[c.level]}  ${c.finding}${c.fix ? `\n      Fix: ${c.fix}` : ''}`);
  const fails = checks.filter((c) => c.level === 'fail').length;
  const warns = checks.filter((c) => c.level === 'warn').length;
  out.line(fails + warns === 0 ? 'All checks pass.' : `${fails} failed, ${warns} to look at.`);
  if (fails > 0) process.exitCode = 1;
}
