import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Node module hooks that let `npm run bench` start the test chain, which lives in test/ as TypeScript (vitest runs it
 * there). Node 20 cannot strip types itself, so each .ts module is transpiled on load with the TypeScript compiler the
 * project already has; `./x.js` specifiers (NodeNext style) resolve to `./x.ts` when only the source exists.
 */
interface ResolveContext {
  parentURL?: string;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<{ url: string; format?: string | null }>;
type NextLoad = (url: string, context: object) => Promise<{ format: string; source?: string | Buffer | null; shortCircuit?: boolean }>;

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve) {
  if (context.parentURL?.endsWith('.ts') && (specifier.startsWith('./') || specifier.startsWith('../')) && specifier.endsWith('.js')) {
    const asJs = new URL(specifier, context.parentURL);
    if (!existsSync(fileURLToPath(asJs))) {
      const asTs = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
      if (existsSync(fileURLToPath(asTs))) return { url: asTs.href, format: 'module', shortCircuit: true };
    }
  }
  return next(specifier, context);
}

export async function load(url: string, context: object, next: NextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const source = readFileSync(fileURLToPath(url), 'utf8');
  const output = ts.transpileModule(source, {
    fileName: fileURLToPath(url),
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false, inlineSourceMap: true },
  });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}
