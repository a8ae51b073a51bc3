/**
 * Every secret this process has seen (passwords, secret access keys, MFA seeds). Output and error messages pass
 * through `redact`, so text that AWS or a library echoes back can never carry one to the screen, a log or JSON.
 */
export class SecretRegistry {
  private readonly forms = new Set<string>();

  add(secret: string | undefined): void {
    // A very short value would redact ordinary words; IAM's secrets are far longer than this.
    if (!secret || secret.length < 6) return;
    // As it is, as it appears inside JSON text, and URL-encoded (AWS query-protocol error pages echo that form).
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) this.forms.add(form);
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so that one form that contains another is replaced whole.
    for (const form of [...this.forms].sort((a, b) => b.length - a.length)) result = result.split(form).join('***');
    return result;
  }
}
