#!/usr/bin/env node
// `npm run docs`: rewrites the generated parts of the docs from the code (the built dist/): the check table in
// docs/audit.md, from the check definitions in src/checks. A unit test (test/unit/docs.test.ts) fails when the
// committed table differs from what this would write, so CI catches a table nobody regenerated.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CHECK_TABLE_MARKERS, renderCheckTable } from '../dist/commands/checks.js';

const file = resolve(import.meta.dirname, '../docs/audit.md');
const text = readFileSync(file, 'utf8');
const [start, end] = CHECK_TABLE_MARKERS;
const from = text.indexOf(start);
const to = text.indexOf(end);
if (from < 0 || to < from) throw new Error(`${file}: the check table markers are missing`);
const next = `${text.slice(0, from + start.length)}\n${renderCheckTable()}\n${text.slice(to)}`;
if (next === text) console.log('docs/audit.md: the check table is up to date');
else {
  writeFileSync(file, next);
  console.log('docs/audit.md: check table rewritten');
}
