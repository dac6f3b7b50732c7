/**
 * Secrets seen at run time (passwords parsed from connection strings, the
 * embedded server's stored passwords): every occurrence in a message is hidden,
 * whatever form the text around it has. Very short ones, and short plain words
 * (a dev box's password "postgres" would blank out every "postgres" in a
 * message), are left to the patterns below.
 */
const knownSecrets = new Set<string>();

export function rememberSecret(secret: string | undefined): void {
  if (!secret || secret.length < 4 || (secret.length < 12 && /^[a-z]+$/i.test(secret))) return;
  knownSecrets.add(secret);
  for (const form of [encodeURIComponent(secret), encodeURI(secret)]) if (form !== secret) knownSecrets.add(form);
}

/** Hides passwords in connection strings and key=value settings before text reaches a log. */
export function maskSecrets(text: string): string {
  let out = text;
  // longest first, so a secret containing another is hidden whole
  for (const s of [...knownSecrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('****');
  return (
    out
      // scheme://user:password@host — the password runs to the LAST '@' of the token (it may hold / # @ :)
      .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)(\S*)(@)/gi, '$1****$3')
      // scheme-less user:password@host
      .replace(/(^|[\s'"(=,<])([^\s:/@'"(=,<]+:)(?!\/\/)(\S*)@(?=[^\s@]+)/g, '$1$2****@')
      // key=value settings (libpq conninfo, query strings)
      .replace(/\b(password|passwd|pwd)\s*=\s*('(?:[^'\\]|\\.)*'|"[^"]*"|[^\s;&]+)/gi, '$1=****')
  );
}
