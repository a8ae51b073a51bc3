// Loaded with `node --import` to list every module a run resolves, so a test can prove what start-up loads.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
  export async function resolve(specifier, context, next) {
    const result = await next(specifier, context);
    process.stderr.write('[import] ' + result.url + '\\n');
    return result;
  }
`));
