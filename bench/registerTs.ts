import { register } from 'node:module';

// `node --import ./bench/dist/bench/registerTs.js file.ts`: run a TypeScript module from test/ (see tsHooks.ts).
register('./tsHooks.js', import.meta.url);
