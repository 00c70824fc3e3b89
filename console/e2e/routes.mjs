// The console's API routes (src/api/routes.ts), read as text so this Node script needs no TypeScript step.
import { readFileSync } from 'node:fs';

const src = readFileSync(new URL('../src/api/routes.ts', import.meta.url), 'utf8');
export const ROUTES_FOR_TEST = Object.fromEntries([...src.matchAll(/^\s+(\w+): '([^']+)',/gm)].map((m) => [m[1], m[2]]));
if (Object.keys(ROUTES_FOR_TEST).length < 5) throw new Error('could not read the routes from src/api/routes.ts');
