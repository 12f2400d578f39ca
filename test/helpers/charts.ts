/** Every chart ValTrac draws, in the order of the page; each is written as NAME.svg and NAME.png. */
export const CHART_NAMES = [
  'payable-pool', 'next-payout', 'validator-stake', 'nominators', 'returns', 'payouts', 'cumulative-paid', 'user-apr', 'user-stakes', 'shares', 'referrals',
];
