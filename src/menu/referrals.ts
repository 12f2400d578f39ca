import { formatTaxPercent, parseTax } from '../domain/tax.js';
import type { Referral, User } from '../domain/types.js';
import { validateReferrals } from '../domain/validate.js';
import { addReferral, removeReferral, setReferralTax } from '../workbook/edits.js';
import { FIRST_DATA_ROW } from '../workbook/schema.js';
import { openStore, reportOutcome } from '../commands/common.js';
import type { Parse, Prompter } from './prompter.js';
import { column, describeProblem, newProblems } from './problems.js';

/**
 * Checks a referral as the Referrals sheet would if the person typed it in `row`, and returns the new problems in the
 * given columns (A referrer, B referee, C tax). Problems the sheet already had are not the new row's fault.
 */
function problemsIn(users: User[], referrals: Referral[], candidate: Referral, columns: string[]): string | null {
  const others = referrals.filter((r) => r.row !== candidate.row);
  const found = newProblems(validateReferrals(users, others), validateReferrals(users, [...others, candidate]));
  const mine = found.filter((p) => columns.includes(column(p.cell)));
  return mine.length ? mine.map(describeProblem).join('\n') : null;
}

function taxAnswer(users: User[], referrals: Referral[], edge: Omit<Referral, 'taxPpm'>) {
  return (answer: string): Parse<bigint> => {
    const parsed = parseTax({ kind: 'text', text: answer });
    if (!parsed.ok) return { ok: false, message: `  ${parsed.message}\n  Fix: ${parsed.fix}` };
    const problem = problemsIn(users, referrals, { ...edge, taxPpm: parsed.ppm }, ['C']);
    return problem ? { ok: false, message: problem } : { ok: true, value: parsed.ppm };
  };
}

/** 5: referrer, referee and tax, each checked as the sheet checks it. */
export async function addReferralMenu(p: Prompter, workbook: string): Promise<void> {
  const store = await openStore(workbook);
  const { users, referrals } = await store.read();
  if (users.length < 2) {
    p.print('A referral needs two users: add users first (3).');
    return;
  }
  p.print(`Users: ${users.map((u) => u.name).join(', ')}`);
  const row = Math.max(FIRST_DATA_ROW - 1, ...referrals.map((r) => r.row)) + 1;
  const referrer = await p.askValid('Referrer: ', (answer) => {
    const problem = problemsIn(users, referrals, { referrer: answer, referee: '', taxPpm: 0n, row }, ['A']);
    return problem ? { ok: false, message: problem } : { ok: true, value: answer };
  });
  const referee = await p.askValid('Referee: ', (answer) => {
    // Self-referral, a second referrer and a cycle are all flagged in column B (a cycle possibly on another row).
    const problem = problemsIn(users, referrals, { referrer, referee: answer, taxPpm: 0n, row }, ['B']);
    return problem ? { ok: false, message: problem } : { ok: true, value: answer };
  });
  const taxPpm = await p.askValid('Referral tax in percent (e.g. 15): ', taxAnswer(users, referrals, { referrer, referee, row }));
  const tax = `${formatTaxPercent(taxPpm)}%`;
  reportOutcome(await addReferral(store, referrer, referee, tax), `${referrer} now refers ${referee} at ${tax}`, workbook);
}

/** 6: change a referral's tax, or remove the referee. */
export async function editReferralsMenu(p: Prompter, workbook: string): Promise<void> {
  const store = await openStore(workbook);
  const { users, referrals } = await store.read();
  if (referrals.length === 0) {
    p.print('There are no referrals yet.');
    return;
  }
  const which = await p.choose('Which referral', [...referrals.map((r) => `${r.referrer} → ${r.referee} (${formatTaxPercent(r.taxPpm)}%)`), 'Back']);
  const edge = referrals[which];
  if (!edge) return;
  const action = await p.choose(`${edge.referrer} → ${edge.referee}`, ['Change the tax', `Remove ${edge.referee} as ${edge.referrer}'s referee`, 'Back']);
  if (action === 0) {
    const taxPpm = await p.askValid(`New tax in percent (now ${formatTaxPercent(edge.taxPpm)}): `, taxAnswer(users, referrals, edge));
    const tax = `${formatTaxPercent(taxPpm)}%`;
    reportOutcome(await setReferralTax(store, edge.referrer, edge.referee, tax), `Set the tax of ${edge.referrer} → ${edge.referee} to ${tax}`, workbook);
  }
  if (action === 1 && (await p.confirm(`Remove the referral ${edge.referrer} → ${edge.referee}?`))) {
    reportOutcome(await removeReferral(store, edge.referrer, edge.referee), `Removed ${edge.referrer} → ${edge.referee}`, workbook);
  }
}
