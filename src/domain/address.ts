import { decodeSs58, encodeSs58 } from './ss58.js';
import { excerpt } from './text.js';

/** Bittensor (like Substrate's generic format) encodes addresses with SS58 prefix 42. */
export const SS58_PREFIX = 42;
/** A 32-byte account key with prefix 42 always encodes to 48 base58 characters. */
export const ADDRESS_LENGTH = 48;
/**
 * Longer input is refused by its length alone, before anything decodes it (base58 decoding grows with the square of
 * the length: a 256 kB cell would take minutes). Room for an address with a few stray spaces, which get a better message.
 */
export const MAX_ADDRESS_INPUT = 64;

export type AddressCheck = { ok: true; address: string } | { ok: false; message: string; fix: string };

const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF\u00A0]/u;
const BASE58 = /^[1-9A-HJ-NP-Za-km-z]*$/;

function describeInvisible(text: string): string {
  const index = text.search(INVISIBLE);
  const char = text[index]!;
  const name = /\s/.test(char) && char !== '\u00A0' ? 'a space or line break' : 'an invisible character';
  return `${name} at position ${index + 1}`;
}

/**
 * Checks that `text` is a Bittensor account address as a person would type or paste it.
 * Invisible characters are reported, never silently removed: the cell is the person's data.
 * Whether a key is a hotkey or a coldkey cannot be told offline, so that is not checked.
 */
export function checkAddress(text: string): AddressCheck {
  if (text.length === 0) {
    return { ok: false, message: 'The address is empty.', fix: 'Paste the SS58 address (48 characters, starts with 5).' };
  }
  if (text.length > MAX_ADDRESS_INPUT) {
    return {
      ok: false,
      message: `"${excerpt(text)}" is ${text.length.toLocaleString('en-US')} characters long; a Bittensor address has ${ADDRESS_LENGTH}.`,
      fix: 'Paste only the address (48 characters, starts with 5) into the cell.',
    };
  }
  if (INVISIBLE.test(text)) {
    const stripped = text.replace(new RegExp(INVISIBLE.source, 'gu'), '');
    const inner = checkAddress(stripped);
    const hint = inner.ok ? ` Without them it reads ${stripped}, a valid address.` : '';
    return {
      ok: false,
      message: `The address contains ${describeInvisible(text)}.${hint}`,
      fix: 'Retype the cell or paste the address again without spaces or invisible characters.',
    };
  }
  if (!BASE58.test(text)) {
    const bad = [...text].find((c) => !BASE58.test(c));
    return {
      ok: false,
      message: `"${excerpt(text)}" is not an SS58 address: the character "${excerpt(bad!)}" never appears in one (no 0, O, I, l or punctuation).`,
      fix: 'Copy the address again from the wallet (btcli wallet overview shows it).',
    };
  }
  const decoded = decodeSs58(text)!;
  if (decoded.kind === 'account' && decoded.prefix === SS58_PREFIX && text.length === ADDRESS_LENGTH) return { ok: true, address: text };
  if (decoded.kind === 'account' && decoded.prefix !== SS58_PREFIX) {
    return {
      ok: false,
      message: `"${text}" is an address for another network (SS58 prefix ${decoded.prefix}); Bittensor uses prefix ${SS58_PREFIX}.`,
      fix: `If this is the right key, its Bittensor address is ${encodeSs58(decoded.key, SS58_PREFIX)}.`,
    };
  }
  if (text.length !== ADDRESS_LENGTH) {
    return {
      ok: false,
      message: `"${text}" is ${text.length} characters long; a Bittensor address has ${ADDRESS_LENGTH}.`,
      fix: text.length < ADDRESS_LENGTH
        ? 'A character is missing: copy the whole address again from the wallet.'
        : 'There is an extra character: copy the address again from the wallet.',
    };
  }
  if (decoded.kind === 'badChecksum') {
    return {
      ok: false,
      message: `"${text}" fails the SS58 checksum: a character is mistyped.`,
      fix: 'Copy the address again from the wallet instead of typing it.',
    };
  }
  // A 48-character base58 string that decodes to a non-account payload (e.g. a short account index).
  return {
    ok: false,
    message: `"${text}" is not an account address (it decodes to ${decoded.kind === 'notAccount' ? decoded.bytes : 'an unexpected'} bytes).`,
    fix: 'Use the coldkey address shown by btcli wallet overview.',
  };
}
