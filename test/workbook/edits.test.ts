import { describe, expect, it } from 'vitest';
import { EXCERPT_CHARS } from '../../src/domain/text.js';
import { settingsChange, userNamed } from '../../src/workbook/edits.js';

const users = [{ name: 'Carol', addresses: [], row: 3 }];

/** The message a refused command-line edit prints. */
function refusal(edit: () => unknown): string {
  try {
    edit();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the edit was not refused');
}

// A pasted name or setting quoted back in the refusal: at most an excerpt with its length, hidden characters shown.
describe('command-line names quoted in messages', () => {
  const pasted = `Carl${'x'.repeat(5_000)}\u202e`;

  it('an unknown user name: its start and end, its length, the closest user for a slip', () => {
    const message = refusal(() => userNamed(users, pasted, 'NAME argument'));
    expect(message).toMatch(/^NAME argument: there is no user "Carlx+…x+<U\+202E> \(5,005 characters\)" in Users\. /);
    expect(message.length).toBeLessThan(EXCERPT_CHARS + 200);
    expect(refusal(() => userNamed(users, 'Carl', 'REFEREE argument'))).toContain('there is no user "Carl" in Users. Did you mean Carol?');
  });

  it('an unknown setting name', () => {
    const message = refusal(() => settingsChange([[pasted, '1']]));
    expect(message).toMatch(/^SETTING argument: "Carlx+…x+<U\+202E> \(5,005 characters\)" is not a setting\. /);
    expect(message).not.toContain('x'.repeat(EXCERPT_CHARS));
  });
});
