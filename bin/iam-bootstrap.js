#!/usr/bin/env node
// The built CLI lives in dist/. From a clone, `npm ci` (or `npm install`) builds it; say so instead of a stack trace.
let main;
try {
  ({ main } = await import('../dist/index.js'));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('/dist/index.js')) throw err;
  process.stderr.write('iam-bootstrap is not built yet: run `npm run build` in its folder (`npm ci` and `npm install` build it too).\n');
  process.exit(1);
}
process.exitCode = await main(process.argv);
