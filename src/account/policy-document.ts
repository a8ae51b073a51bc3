/** IAM policy documents as IAM returns them: the one decoder every reader uses. */

/**
 * A policy document parsed; undefined when absent or unreadable. IAM URL-encodes documents; one that is already
 * plain JSON (as some emulators and proxies return it) is read as it is.
 */
export function decodePolicyDocument(document: string | undefined): unknown {
  if (!document) return undefined;
  try {
    return JSON.parse(document.trimStart().startsWith('{') ? document : decodeURIComponent(document));
  } catch {
    return undefined;
  }
}

/** Does a policy document contain an Allow of Action "*" on Resource "*" (CIS: no full administrative privileges)? */
export function allowsEverything(document: string | undefined): boolean {
  const doc = decodePolicyDocument(document) as { Statement?: unknown } | undefined;
  if (!doc) return false;
  const statements = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  const has = (v: unknown) => v === '*' || (Array.isArray(v) && v.includes('*'));
  return statements.some((s) => {
    const st = s as { Effect?: string; Action?: unknown; Resource?: unknown };
    return st?.Effect === 'Allow' && has(st.Action) && has(st.Resource);
  });
}
