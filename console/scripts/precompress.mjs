// After `vite build`: a .gz copy of every compressible file (the server sends it to browsers that accept
// gzip, so it never compresses at run time) and files.txt, the list the server loads from its class path.
import { gzipSync, constants } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.argv[2];
if (!root) throw new Error('usage: precompress.mjs DIR');
const compressible = /\.(html|js|css|svg|json|txt|ttf|map)$/;
const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (!name.endsWith('.gz') && name !== 'files.txt') files.push(relative(root, p).split('\\').join('/'));
  }
})(root);
let plain = 0, packed = 0;
for (const f of files) {
  if (!compressible.test(f)) continue;
  const bytes = readFileSync(join(root, f));
  const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION });
  if (gz.length < bytes.length) {
    writeFileSync(join(root, f + '.gz'), gz);
    plain += bytes.length; packed += gz.length;
  }
}
files.sort();
writeFileSync(join(root, 'files.txt'), files.join('\n') + '\n');
console.log(`precompress: ${files.length} files, ${(plain / 1024).toFixed(0)} KiB -> ${(packed / 1024).toFixed(0)} KiB gzip`);
