/**
 * Escapes arbitrary text for HTML (and inline SVG) text content and quoted
 * attribute values: & < > " ' become character references. Control characters
 * that HTML cannot carry (C0 other than tab/newline/CR, and DEL) are dropped.
 */
export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
