// The console's API routes (src/api/routes.ts), read as text so this Node script needs no TypeScript step.
import { readFileSync } from 'node:fs';

const src = readFileSync(new URL('../src/api/routes.ts', import.meta.url), 'utf8');
export const ROUTES_FOR_TEST = Object.fromEntries([...src.matchAll(/^\s+(\w+): '([^']+)',/gm)].map((m) => [m[1], m[2]]));
if (Object.keys(ROUTES_FOR_TEST).length < 5) throw new Error('could not read the routes from src/api/routes.ts');
export const METHODS_FOR_TEST = Object.fromEntries([...src.matchAll(/^\s+(\w+): \[([^\]]*)\],/gm)]
  .map((m) => [m[1], [...m[2].matchAll(/'(\w+)'/g)].map((x) => x[1])]));
if (Object.keys(METHODS_FOR_TEST).length !== Object.keys(ROUTES_FOR_TEST).length) throw new Error('every route in src/api/routes.ts needs its methods');

// The kinds the client names in {plural} (src/api/client.ts, type Kind), core ones listed in CORE.
const client = readFileSync(new URL('../src/api/client.ts', import.meta.url), 'utf8');
const kinds = [.../export type Kind = ([^;]+);/.exec(client)[1].matchAll(/'(\w+)'/g)].map((m) => m[1]);
const core = [.../const CORE[^=]*= new Set\(\[([^\]]*)\]/.exec(client)[1].matchAll(/'(\w+)'/g)].map((m) => m[1]);
export const KINDS_FOR_TEST = { forklift: kinds.filter((k) => !core.includes(k)), core };
if (kinds.length < 5 || core.length < 1) throw new Error('could not read the kinds from src/api/client.ts');
