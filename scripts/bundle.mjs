// `npm run build`, second step: bundles the CLI into dist/valtrac.js and dist/chunks/ (tsc has checked the types first
// and emits nothing: dist/ holds only what users run; the bench builds itself into bench/dist/). A few dozen files instead of ~2,000 modules
// cut the start-up of every command (measured in README Performance); split by command, so `--help` and `check`
// load only what they use.
import fs from 'node:fs';
import { build } from 'esbuild';

// Chunks are named by content, and older builds left tsc's output here: start from an empty dist/.
fs.rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: { valtrac: 'src/cli.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: true,
  logLevel: 'warning',
  // pm2 starts its daemon from its own files and resvg is a native addon; Vega is large and loaded only for charts.
  external: ['pm2', '@resvg/resvg-js', 'vega', 'vega-lite'],
  // CommonJS dependencies call require() for Node's built-ins, which an ES module has to provide itself.
  banner: { js: "import { createRequire as valtracRequire } from 'node:module'; const require = valtracRequire(import.meta.url);" },
});

// The package's bin (`npx valtrac` right after `npm ci`, whose prepare step runs this build). It turns on Node's module
// compile cache before the bundle loads, so every later start skips compiling the same code again (README Performance).
fs.writeFileSync(
  'dist/cli.js',
  "#!/usr/bin/env node\nimport module from 'node:module';\nmodule.enableCompileCache?.();\nawait import('./valtrac.js');\n",
  { mode: 0o755 },
);
fs.chmodSync('dist/cli.js', 0o755);
