#!/usr/bin/env node
// `npm run check:package` (CI runs it): the package as users get it. Packs it, checks what the tarball holds (the
// built CLI, docs, LICENSE; no source maps, no sources, no tests), then installs it into an empty folder and runs
// `npx <tarball> --help` and `--version` there, as a person trying it would.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'iam-bootstrap-pack-'));
const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

run('npm', ['pack', '--pack-destination', dir], root);
const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
if (!tarball) throw new Error('npm pack made no tarball');
const files = run('tar', ['tzf', join(dir, tarball)], dir).trim().split('\n').map((f) => f.replace(/^package\//, ''));
const problems = [
  ...files.filter((f) => f.endsWith('.map')).map((f) => `ships a source map: ${f}`),
  ...files.filter((f) => /^(src|test|scripts)\//.test(f)).map((f) => `ships a file that is not for users: ${f}`),
  ...['bin/iam-bootstrap.js', 'dist/index.js', 'README.md', 'LICENSE', 'CHANGELOG.md', 'docs/policies/init.json'].filter((f) => !files.includes(f)).map((f) => `misses ${f}`),
];
if (problems.length) throw new Error(`${tarball}:\n  ${problems.join('\n  ')}`);

// A folder with nothing but the tarball, and the command exactly as a person types it there.
const empty = mkdtempSync(join(tmpdir(), 'iam-bootstrap-try-'));
copyFileSync(join(dir, tarball), join(empty, tarball));
const help = run('npx', ['--yes', `./${tarball}`, '--help'], empty);
if (!help.includes('Usage: iam-bootstrap')) throw new Error(`npx ./${tarball} --help printed:\n${help}`);
const version = run('npx', ['--yes', `./${tarball}`, '--version'], empty).trim();
console.log(`${tarball}: ${files.length} files, no source maps; npx ${tarball} --help works in an empty folder (version ${version})`);
