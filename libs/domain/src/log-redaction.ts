/**
 * Credentials that may reach a log line through any path: a request URL, an error's message
 * or stack (a 404 quotes its URL), a serialised header. Signed image URLs stay valid until they
 * expire, so their signature is a credential too.
 */
const SECRETS: [RegExp, string][] = [
  [/(signature=)[^&\s"\\]+/gi, '$1[redacted]'],
  [/\befk_[A-Za-z0-9_-]+/g, 'efk_[redacted]'],
  // Secure tunnels' access tokens, and the client tokens local proxies bind them with.
  [/\beft_[A-Za-z0-9_-]+/g, 'eft_[redacted]'],
  [/("(?:access-token|client-token|clientAccessToken|sourceAccessToken|destinationAccessToken)"\s*:\s*")(?:[^"\\]|\\.)*"/g, '$1[redacted]"'],
  [/(\bbearer\s+)[^\s"\\]+/gi, '$1[redacted]'],
  [/("(?:authorization|cookie)"\s*:\s*")(?:[^"\\]|\\.)*"/gi, '$1[redacted]"'],
];

/** pino's streamWrite hook: the last step of every line the api and the edge agent log. */
export function redactSecrets(line: string): string {
  return SECRETS.reduce((s, [pattern, replacement]) => s.replace(pattern, replacement), line);
}
