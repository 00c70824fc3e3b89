// Runs `npm ci` unless node_modules was installed from this very package-lock.json (npm keeps a copy of the
// lock it installed as node_modules/.package-lock.json): a Maven build should not reinstall on every run.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const stamp = 'node_modules/.hoist-lock-sha256';
const lock = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === lock) {
  console.log('node_modules matches package-lock.json: npm ci skipped');
} else {
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit' });
  writeFileSync(stamp, lock + '\n');
}
