import { createHash } from 'node:crypto';

/**
 * SS58 for 32-byte account keys, on node's own blake2b: checking a sheet of addresses must not wait for
 * @polkadot/util-crypto's WASM start-up (about half a second), which only the chain commands need.
 *
 * Layout of the decoded bytes: network prefix (1 byte below 64, else 2), the key, then the first two bytes of
 * blake2b-512("SS58PRE" ++ prefix ++ key).
 */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** The value of each ASCII character in the alphabet, -1 for the others. */
const DIGIT = Int8Array.from({ length: 128 }, (_, code) => ALPHABET.indexOf(String.fromCharCode(code)));
const CONTEXT = Buffer.from('SS58PRE');
const KEY_LENGTH = 32;
const CHECKSUM_LENGTH = 2;

/**
 * The bytes of a base58 string (Bitcoin's alphabet), or null if a character is not in it. Worked digit by digit on a
 * byte array rather than through one BigInt: a sheet of 2,000 coldkeys is decoded on every save.
 */
export function base58Decode(text: string): Uint8Array | null {
  // Each leading '1' stands for a leading zero byte.
  let zeros = 0;
  while (zeros < text.length && text[zeros] === '1') zeros++;
  // Base 256, least significant byte first; 58 < 2^6, so the number never needs more bytes than 6/8 of the digits.
  const bytes = new Uint8Array(Math.ceil((text.length * 6) / 8) + 1);
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let carry = code < 128 ? DIGIT[code]! : -1;
    if (carry < 0) return null;
    for (let j = 0; j < used; j++) {
      carry += bytes[j]! * 58;
      bytes[j] = carry & 0xff;
      carry >>= 8;
    }
    for (; carry > 0; carry >>= 8) bytes[used++] = carry & 0xff;
  }
  const decoded = new Uint8Array(zeros + used);
  for (let j = 0; j < used; j++) decoded[zeros + j] = bytes[used - 1 - j]!;
  return decoded;
}

export function base58Encode(bytes: Uint8Array): string {
  // Base 58, least significant digit first; 256 < 58^1.37, so at most 1.37 digits a byte.
  const digits = new Uint8Array(Math.ceil(bytes.length * 1.37) + 1);
  let used = 0;
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  for (let i = zeros; i < bytes.length; i++) {
    let carry = bytes[i]!;
    for (let j = 0; j < used; j++) {
      carry += digits[j]! << 8;
      digits[j] = carry % 58;
      carry = Math.floor(carry / 58);
    }
    for (; carry > 0; carry = Math.floor(carry / 58)) digits[used++] = carry % 58;
  }
  let text = '1'.repeat(zeros);
  for (let j = used - 1; j >= 0; j--) text += ALPHABET[digits[j]!];
  return text;
}

function checksum(body: Uint8Array): Uint8Array {
  return createHash('blake2b512').update(CONTEXT).update(body).digest().subarray(0, CHECKSUM_LENGTH);
}

export type Ss58Decoded =
  | { kind: 'account'; prefix: number; key: Uint8Array }
  | { kind: 'badChecksum' }
  | { kind: 'notAccount'; bytes: number };

/** What a base58 string holds: an account key with its network prefix, a mistyped one, or something else. */
export function decodeSs58(text: string): Ss58Decoded | null {
  const bytes = base58Decode(text);
  if (bytes === null) return null;
  const first = bytes[0] ?? 0;
  // Prefixes 0-63 take one byte; 64-16383 take two, marked by bit 6 of the first; bit 7 is reserved.
  const prefixLength = first & 0x40 ? 2 : 1;
  if (first & 0x80 || bytes.length !== prefixLength + KEY_LENGTH + CHECKSUM_LENGTH) return { kind: 'notAccount', bytes: bytes.length };
  const body = bytes.subarray(0, prefixLength + KEY_LENGTH);
  const sum = checksum(body);
  if (sum[0] !== bytes[body.length] || sum[1] !== bytes[body.length + 1]) return { kind: 'badChecksum' };
  const second = bytes[1]!;
  const prefix = prefixLength === 1 ? first : ((first & 0x3f) << 2) | (second >> 6) | ((second & 0x3f) << 8);
  return { kind: 'account', prefix, key: bytes.slice(prefixLength, prefixLength + KEY_LENGTH) };
}

/** The SS58 address of a 32-byte key on a network whose prefix is below 64 (Bittensor's is 42). */
export function encodeSs58(key: Uint8Array, prefix: number): string {
  if (key.length !== KEY_LENGTH || !Number.isInteger(prefix) || prefix < 0 || prefix > 63) {
    throw new RangeError(`encodeSs58 takes a ${KEY_LENGTH}-byte key and a prefix 0-63`);
  }
  const body = Uint8Array.from([prefix, ...key]);
  return base58Encode(Uint8Array.from([...body, ...checksum(body)]));
}
