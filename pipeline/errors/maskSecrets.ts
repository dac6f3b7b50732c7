/** Hides passwords in connection strings and key=value settings before text reaches a log. */
export function maskSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]+)(@)/gi, '$1****$3')
    .replace(/\b(password|passwd|pwd)\s*=\s*('[^']*'|"[^"]*"|[^\s;&]+)/gi, '$1=****');
}
