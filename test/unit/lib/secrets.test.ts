import { describe, expect, it } from 'vitest';
import { SecretRegistry } from '../../../src/lib/secrets.js';

describe('SecretRegistry', () => {
  it('replaces every known secret, as it is, JSON-escaped and URL-encoded', () => {
    const secrets = new SecretRegistry();
    secrets.add('p@ss"word&1=2');
    secrets.add('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const text = [
      'raw p@ss"word&1=2',
      `json ${JSON.stringify({ p: 'p@ss"word&1=2' })}`,
      'query Password=p%40ss%22word%261%3D2',
      'key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ].join('\n');
    expect(secrets.redact(text)).toBe(['raw ***', 'json {"p":"***"}', 'query Password=***', 'key ***'].join('\n'));
  });

  it('ignores empty and very short values, which would redact ordinary words', () => {
    const secrets = new SecretRegistry();
    secrets.add(undefined);
    secrets.add('abc');
    expect(secrets.redact('abc def')).toBe('abc def');
  });
});
