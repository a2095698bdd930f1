/** The JSON object an AWS IoT MQTT API request carries (`{}` for an empty payload where allowed). */
export function parseJsonObject(
  payload: Buffer,
  allowEmpty: boolean,
): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  const text = payload.toString('utf8').trim();
  if (text === '' && allowEmpty) return { ok: true, value: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'The payload is not valid JSON.' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { ok: false, error: 'The payload must be a JSON object.' };
  return { ok: true, value: json as Record<string, unknown> };
}
