import type { z } from 'zod';
import { validationFailed } from '@edgefleet/domain';

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

/** A request body checked against its schema; the first problem, with its path, is the caller's to fix. */
export function parseBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw validationFailed(issue.path.join('.') || 'payload', issue.message);
}
