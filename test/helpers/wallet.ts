import sodium from 'libsodium-wrappers-sumo';

/**
 * An encrypted `$NACL` coldkey file written the way bittensor-wallet does, but by libsodium itself (independent of
 * ValTrac's reader): argon2i13 with the SENSITIVE limits over the fixed salt, then secretbox. Takes seconds (512 MiB).
 */
export async function naclColdkey(json: string, password: string): Promise<Uint8Array> {
  await sodium.ready;
  const salt = sodium.from_hex('137183dff15a09bc9c90b5518739e9b1');
  const key = sodium.crypto_pwhash(
    32,
    password,
    salt,
    8, // crypto_pwhash_argon2i_OPSLIMIT_SENSITIVE
    512 * 1024 * 1024, // crypto_pwhash_argon2i_MEMLIMIT_SENSITIVE
    sodium.crypto_pwhash_ALG_ARGON2I13,
  );
  const nonce = sodium.randombytes_buf(24);
  const box = sodium.crypto_secretbox_easy(sodium.from_string(json), nonce, key);
  return new Uint8Array([...sodium.from_string('$NACL'), ...nonce, ...box]);
}
