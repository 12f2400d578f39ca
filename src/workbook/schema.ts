import type { SheetName } from '../domain/types.js';

/** Row 1 of every sheet is a title saying who owns it, row 2 the headers; data starts at row 3. */
export const TITLE_ROW = 1;
export const HEADER_ROW = 2;
export const FIRST_DATA_ROW = 3;
/**
 * How far down dropdowns and validations reach. Kept modest on purpose: editors store a validated cell as a cell and
 * the xlsx library expands validation ranges cell by cell, so every validated row costs time on each read and write.
 */
export const LAST_VALIDATED_ROW = 600;
/** The range of user names the referrer/referee dropdowns offer (a formula, so its size costs nothing). */
export const USER_NAMES_RANGE = 'Users!$A$3:$A$2000';

export const PEOPLE_SHEETS = ['Users', 'Referrals', 'Settings'] as const satisfies readonly SheetName[];
export const VALTRAC_SHEETS = ['Snapshots', 'Payouts', 'Problems'] as const satisfies readonly SheetName[];
export const SHEET_ORDER: readonly SheetName[] = [...PEOPLE_SHEETS, ...VALTRAC_SHEETS];

export const PEOPLE_TAB_ARGB = 'FF2E7D32';
export const VALTRAC_TAB_ARGB = 'FF757575';
export const PEOPLE_TITLE = 'YOUR SHEET: type here. ValTrac checks every save and marks problems in red (see Problems).';
export const VALTRAC_TITLE = "VALTRAC'S SHEET: written by ValTrac. Read it, but do not edit it.";

/** The fill and note prefix that mark ValTrac's feedback on a person's cell, so it can be told apart and cleared. */
export const FEEDBACK_FILL_ARGB = 'FFFFC7CE';
export const FEEDBACK_NOTE_PREFIX = 'ValTrac: ';

export const TAO_FORMAT = '0.000000000';
export const PERCENT_FORMAT = '0.0000000%';
/**
 * A tax in percent points is General: an editor applies its percent format to a General cell when someone types 15%,
 * but keeps any other number format and stores a plain 0.15 (LibreOffice does), which would read as 0.15 %.
 */
export const TAX_FORMAT = 'General';
/** A tax below 1 % is written as its fraction in this format (0.0015 shown as 0.15%): a plain 0.15 would be ambiguous. */
export const TAX_PERCENT_FORMAT = '0.####%';
export const TIME_FORMAT = 'yyyy-mm-dd hh:mm:ss';

export interface Column {
  header: string;
  note: string;
  width: number;
  numFmt?: string;
}

/** Users: Name, then as many address columns as people need; five are labelled. */
export const USER_ADDRESS_HEADERS = 5;
export const USERS_COLUMNS: Column[] = [
  { header: 'Name', note: 'A unique name for the person (not starting with = + - @). Referrals use this name.', width: 24 },
  ...Array.from({ length: USER_ADDRESS_HEADERS }, (_, i) => ({
    header: `Address ${i + 1}`,
    note:
      i === 0
        ? 'The coldkey (SS58, 48 characters, starts with 5) that receives payouts. Must be on network prefix 42.'
        : 'Another coldkey of the same person whose stake counts for them. Add more columns to the right if needed.',
    width: 52,
  })),
];

export const REFERRALS_COLUMNS: Column[] = [
  { header: 'Referrer', note: 'The user who referred somebody (pick from the dropdown of names in Users).', width: 24 },
  { header: 'Referee', note: 'The user they referred. A user has at most one referrer; no cycles.', width: 24 },
  {
    header: 'Tax (%)',
    note: 'The share of the referee\'s base reward that goes to the referrer, 0 to 100. Type 15 or 15% for 15 %, 0.15% for 0.15 % (a plain 0.15 could be either and is flagged).',
    width: 10,
    numFmt: TAX_FORMAT,
  },
  {
    header: 'Referrer layer (ValTrac)',
    note: 'Written by ValTrac: 1 = the referrer was referred by nobody, 2 = by a layer-1 user, ... Empty while the row has a problem.',
    width: 24,
  },
];
/** Referrals columns people type; the layer column is ValTrac's. */
export const REFERRALS_PEOPLE_COLUMNS = 3;
export const REFERRALS_LAYER_COLUMN = 4;

export const SETTINGS_COLUMNS: Column[] = [
  { header: 'Setting', note: 'The name of the setting. Do not change these.', width: 28 },
  { header: 'Value', note: 'Your value for the setting. Never put a seed phrase or password here.', width: 52 },
  { header: 'What goes here', note: 'Explanation of each setting.', width: 90 },
];

export const SNAPSHOTS_COLUMNS: Column[] = [
  { header: 'Block', note: 'The finalized block the stake was read at.', width: 12 },
  { header: 'Block hash', note: "The block's hash.", width: 68 },
  { header: 'Time (UTC)', note: "The block's timestamp in UTC.", width: 20, numFmt: TIME_FORMAT },
  { header: 'Total stake (TAO)', note: "All stake on the validator's hotkey.", width: 22, numFmt: TAO_FORMAT },
  { header: 'Delegate stake (TAO)', note: "The owner coldkey's own stake on the hotkey: the payout pool.", width: 22, numFmt: TAO_FORMAT },
  { header: 'Nominator stake (TAO)', note: 'Total stake minus delegate stake.', width: 22, numFmt: TAO_FORMAT },
  { header: 'Nominators', note: 'How many coldkeys other than the owner have stake on the hotkey.', width: 12 },
  { header: "Users' stake (TAO)", note: 'The stake of all registered users together.', width: 22, numFmt: TAO_FORMAT },
  {
    header: 'Basket escrow (TAO)',
    note: "subtensor's basket escrow on the hotkey (spec 441+): never a nominator, not in the total. Where the runtime keeps the basket, each root staker's claimable part is counted in their own stake and only the rest shows here.",
    width: 22,
    numFmt: TAO_FORMAT,
  },
];

export const PAYOUTS_COLUMNS: Column[] = [
  { header: 'Plan', note: 'The plan this row belongs to.', width: 22 },
  { header: 'Status', note: 'planned, carried, sent, paid or failed.', width: 10 },
  { header: 'From block', note: 'First snapshot block of the period.', width: 12 },
  { header: 'To block', note: 'Last snapshot block of the period.', width: 12 },
  { header: 'Pool (TAO)', note: 'The delegate stake paid out in this period.', width: 20, numFmt: TAO_FORMAT },
  { header: 'User', note: 'The user paid.', width: 24 },
  { header: 'Address', note: 'The coldkey paid (the user\'s first address).', width: 52 },
  { header: 'Base %', note: "The user's mean share of the nominator stake over the period.", width: 16, numFmt: PERCENT_FORMAT },
  { header: 'Tax paid (TAO)', note: 'Referral tax taken from this user.', width: 20, numFmt: TAO_FORMAT },
  { header: 'Tax received (TAO)', note: 'Referral tax received by this user.', width: 20, numFmt: TAO_FORMAT },
  { header: 'Amount (TAO)', note: 'What the user receives.', width: 20, numFmt: TAO_FORMAT },
  { header: 'Batch', note: 'Which batch transaction carries this payment.', width: 8 },
  { header: 'Extrinsic hash', note: 'The hash of the batch transaction.', width: 68 },
  { header: 'Block', note: 'The block the batch was included in.', width: 12 },
  { header: 'Block hash', note: 'The hash of that block.', width: 68 },
  { header: 'Note', note: 'Why a payment was carried or failed.', width: 40 },
  {
    header: 'Delivered (TAO)',
    note: "What the chain's events show arrived (a stake payment's alpha valued at its price). Less than the amount: the difference is carried into the next plan.",
    width: 20,
    numFmt: TAO_FORMAT,
  },
  { header: 'Paid at (UTC)', note: "The timestamp of the block that paid the row, written by confirm.", width: 20, numFmt: TIME_FORMAT },
  {
    header: 'TAO price (USD)',
    note: 'USD per TAO from the Settings price source when confirm paid the row (empty: no price source, or it did not answer).',
    width: 16,
  },
];

/** A Payouts column's 1-based number by its header, so code that reads one column does not hard-code its place. */
export function payoutColumn(header: string): number {
  const index = PAYOUTS_COLUMNS.findIndex((c) => c.header === header);
  if (index < 0) throw new Error(`Payouts has no column "${header}"`);
  return index + 1;
}
export const PAYOUT_DELIVERED_COLUMN = payoutColumn('Delivered (TAO)');
export const PAYOUT_PAID_AT_COLUMN = payoutColumn('Paid at (UTC)');
export const PAYOUT_USD_COLUMN = payoutColumn('TAO price (USD)');

export const PROBLEMS_COLUMNS: Column[] = [
  { header: 'Sheet', note: 'The sheet with the problem.', width: 12 },
  { header: 'Cell', note: 'The cell to fix (it is also marked red with a note).', width: 8 },
  { header: 'Problem', note: 'What is wrong.', width: 80 },
  { header: 'Fix', note: 'How to fix it.', width: 80 },
];

export const COLUMNS: Record<SheetName, Column[]> = {
  Users: USERS_COLUMNS,
  Referrals: REFERRALS_COLUMNS,
  Settings: SETTINGS_COLUMNS,
  Snapshots: SNAPSHOTS_COLUMNS,
  Payouts: PAYOUTS_COLUMNS,
  Problems: PROBLEMS_COLUMNS,
};

export function isPeopleSheet(sheet: SheetName): boolean {
  return (PEOPLE_SHEETS as readonly SheetName[]).includes(sheet);
}
