/** The embedded server's one database and superuser; it listens on 127.0.0.1 only. */
export const EMBEDDED_USER = 'postgres';
export const EMBEDDED_DATABASE = 'postgres';
/** The consumers' login: may read the exported table(s), nothing else. */
export const READER_ROLE = 'ecommerce_reader';

export function embeddedUrl(user: string, password: string, port: number): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${EMBEDDED_DATABASE}`;
}
