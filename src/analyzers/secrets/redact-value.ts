/** The redacted form of a secret, apart from the engine so that the report's redaction loads without it. */

/** `ghp_********(40)`: a few leading characters (none for short values) and the length. */
export function redact(secret: string): string {
  const n = secret.length;
  const keep = n >= 20 ? 4 : n >= 12 ? 2 : 0;
  return `${secret.slice(0, keep)}********(${n})`;
}
