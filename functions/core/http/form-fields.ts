/**
 * Reading a form post, shared by the server (request.ts) and the reader form's script: on its
 * own so the script's bundle takes this and nothing of the error registry.
 */
const BOOLEAN_FIELDS = new Set(['anonymous', 'consent']);

/**
 * A form post as the JSON object the schema expects: checkboxes become booleans and
 * empty optional inputs are left out, as a JSON client would leave them out.
 */
export function formToObject(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (BOOLEAN_FIELDS.has(key)) {
      out[key] = value === 'on' || value === 'true' || value === '1';
    } else if (value !== '') {
      out[key] = value;
    }
  }
  return out;
}
