import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Which tests can run without the shared subtensor files. Read by vitest.config.ts, so nothing heavy is imported here.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Shared test data lives outside the repository (team rule); VALTRAC_SHARED overrides where. */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VALTRAC_SHARED ? path.resolve(env.VALTRAC_SHARED) : path.resolve(repoRoot, '../shared');
}

/** Every file the chain tests read, relative to the shared folder (scripts/fetch-runtimes.mjs writes them). */
export const SHARED_FILES: readonly string[] = [
  ...['finney-219', 'testnet-224', 'devnet-240', 'devnet-346', 'devnet-381'].map((name) => `subtensor/metadata/${name}.scale`),
  ...['raonet-spec218.genesis.json', 'spec300.compressed.wasm', 'testfinney-spec103.genesis.json'].map((file) => `subtensor/runtimes/${file}`),
];

export function missingSharedFiles(shared: string): string[] {
  return SHARED_FILES.filter((file) => !fs.existsSync(path.join(shared, file)));
}

/** The modules that read the shared files: a test that imports one of them, however indirectly, needs the files. */
const READERS = ['test/chain/metadataFiles.ts', 'test/support/runtimes/chopsticks.ts'];

/** The test files (relative to `root`) that import, directly or through other test modules, a reader of the shared files. */
export function testsNeedingShared(root: string = repoRoot): string[] {
  const imports = new Map<string, string[]>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) visit(rel);
      else if (rel.endsWith('.ts')) imports.set(rel, relativeImports(root, rel));
    }
  };
  visit('test');
  const needs = new Map<string, boolean>();
  const reads = (file: string, seen: Set<string>): boolean => {
    if (READERS.includes(file)) return true;
    if (needs.has(file)) return needs.get(file)!;
    if (seen.has(file)) return false;
    seen.add(file);
    const result = (imports.get(file) ?? []).some((dep) => reads(dep, seen));
    needs.set(file, result);
    return result;
  };
  return [...imports.keys()].filter((f) => f.endsWith('.test.ts') && reads(f, new Set())).sort();
}

/** The relative imports of a module (static and dynamic), as paths from `root` to the .ts files they name. */
function relativeImports(root: string, file: string): string[] {
  const text = fs.readFileSync(path.join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)).replace(/\.js$/, '.ts');
    if (target.endsWith('.ts')) found.push(target);
  }
  return found;
}

export interface SharedSkip {
  /** Test files to leave out of the run. */
  exclude: string[];
  /** The one line that says so and how to get the files; null when nothing is skipped. */
  note: string | null;
}

/**
 * What `npm test` does without the shared files: on a person's fresh clone it runs every test that can run and skips
 * the rest with one line; under CI (CI=true) nothing is skipped, so the missing files fail the run as they always did.
 */
export function sharedSkip(missing: readonly string[], shared: string, needing: readonly string[], env: NodeJS.ProcessEnv = process.env): SharedSkip {
  if (missing.length === 0 || env.CI === 'true' || needing.length === 0) return { exclude: [], note: null };
  return {
    exclude: [...needing],
    note:
      `Skipped ${needing.length} test files (real runtimes and metadata): ${missing.length} of the files they read are missing in ` +
      `${path.join(shared, 'subtensor')}; get them with node scripts/fetch-runtimes.mjs PATH-TO-A-SUBTENSOR-CHECKOUT (docs/tests.md).`,
  };
}
