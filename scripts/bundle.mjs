// `npm run build`, second step: bundles the CLI into one file, dist/cli.js (tsc has checked and compiled everything
// into dist/ first; the bench and the tests use those files). One file instead of ~2,000 module files halves the
// start-up of every command (measured in README Performance). The commands stay lazily evaluated inside the bundle.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.js',
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // pm2 starts its daemon from its own files and resvg is a native addon; Vega is large and loaded only for charts.
  external: ['pm2', '@resvg/resvg-js', 'vega', 'vega-lite'],
  // CommonJS dependencies call require() for Node's built-ins, which an ES module has to provide itself.
  banner: { js: "import { createRequire as valtracRequire } from 'node:module'; const require = valtracRequire(import.meta.url);" },
});
