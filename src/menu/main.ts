import { UserError } from '../util/errors.js';
import { loggingMenu } from './logging.js';
import { payoutMenu } from './payout.js';
import { InputClosed, type Prompter } from './prompter.js';
import { addReferralMenu, editReferralsMenu } from './referrals.js';
import { statisticsMenu } from './statistics.js';
import { addUsersMenu, editUsersMenu } from './users.js';

const CHOICES: [string, (p: Prompter, workbook: string) => Promise<void>][] = [
  ['Start/stop logging (snapshots under pm2)', loggingMenu],
  ['Send payout (plan, show, confirm)', payoutMenu],
  ['Add users (CSV or manual entry)', addUsersMenu],
  ['Edit users (delete a user or an address)', editUsersMenu],
  ['Add referral', addReferralMenu],
  ['Edit referrals (change tax, remove referee)', editReferralsMenu],
  ['Charts, statistics and statements', statisticsMenu],
];

/**
 * The original ValTrac main menu. Every choice runs the code of the matching command; a mistake (UserError) is shown
 * and the menu comes back, so one typo does not throw the person out.
 */
export async function runMenu(p: Prompter, workbook: string): Promise<void> {
  try {
    for (;;) {
      p.print(`\nValTrac — ${workbook}`);
      const choice = await p.choose('Choose', [...CHOICES.map(([label]) => label), 'Exit']);
      const action = CHOICES[choice]?.[1];
      if (!action) break;
      try {
        await action(p, workbook);
      } catch (error) {
        if (error instanceof InputClosed) throw error;
        if (!(error instanceof UserError)) throw error;
        p.print(`valtrac: ${error.message}`);
      }
    }
    p.print('Go on! Get!!!');
  } catch (error) {
    if (!(error instanceof InputClosed)) throw error;
    p.print();
  } finally {
    p.close();
  }
}
