import { DomainError, validationFailed } from './errors';

const NAME = /^[a-zA-Z0-9_-]+$/;
export const MAX_NAME_LENGTH = 255;
export const MAX_DESCRIPTION_LENGTH = 255;
export const MAX_TAGS = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;

/** Panorama resource names: a-z, A-Z, 0-9, _ and -, 1 to 255 characters; unique and immutable. */
export function assertResourceName(field: string, name: string): void {
  if (name.length < 1 || name.length > MAX_NAME_LENGTH) {
    throw validationFailed(field, `must be 1 to ${MAX_NAME_LENGTH} characters (got ${name.length}).`);
  }
  if (!NAME.test(name)) {
    throw validationFailed(field, `"${name}" may only contain a-z, A-Z, 0-9, _ (underscore) and - (hyphen).`);
  }
}

const SHADOW_NAME = /^[a-zA-Z0-9:_-]+$/;
export const MAX_SHADOW_NAME_LENGTH = 64;

/** AWS IoT named shadows: 1 to 64 of a-z, A-Z, 0-9, :, _ and -; the API and the device topics check the same rule. */
export function assertShadowName(field: string, name: string): void {
  if (name.length >= 1 && name.length <= MAX_SHADOW_NAME_LENGTH && SHADOW_NAME.test(name)) return;
  // A name of thousands of characters is named by its length, not echoed.
  const got = name.length > MAX_SHADOW_NAME_LENGTH ? `${name.length} characters` : JSON.stringify(name);
  throw validationFailed(field, `must be 1 to ${MAX_SHADOW_NAME_LENGTH} of a-z, A-Z, 0-9, :, _ and - (got ${got}).`);
}

export function assertDescription(field: string, description: string): void {
  if (description.length > MAX_DESCRIPTION_LENGTH) {
    throw validationFailed(field, `can have up to ${MAX_DESCRIPTION_LENGTH} characters (got ${description.length}).`);
  }
}

export type Tags = Record<string, string>;

export interface TagInput {
  key: string;
  value?: string | null;
}

/** AWS tag rules: keys 1–128 characters, not starting with `aws:`; values up to 256; at most 50 per resource. */
export function assertTagInputs(field: string, tags: readonly TagInput[]): void {
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    if (key.length < 1 || key.length > MAX_TAG_KEY_LENGTH) {
      throw validationFailed(field, `tag keys must be 1 to ${MAX_TAG_KEY_LENGTH} characters (got "${key}").`);
    }
    if (key.toLowerCase().startsWith('aws:')) throw validationFailed(field, `tag key "${key}" uses the reserved prefix aws:.`);
    if ((value ?? '').length > MAX_TAG_VALUE_LENGTH) {
      throw validationFailed(field, `the value of tag "${key}" is longer than ${MAX_TAG_VALUE_LENGTH} characters.`);
    }
    if (seen.has(key)) throw validationFailed(field, `tag key "${key}" is given twice.`);
    seen.add(key);
  }
}

/** Applies added tags to existing ones, refusing a result over the per-resource limit. */
export function mergeTags(existing: Tags, added: readonly TagInput[]): Tags {
  assertTagInputs('tags', added);
  const merged: Tags = { ...existing };
  for (const { key, value } of added) merged[key] = value ?? '';
  const count = Object.keys(merged).length;
  if (count > MAX_TAGS) {
    throw new DomainError('TOO_MANY_TAGS', `A resource can have at most ${MAX_TAGS} tags; this would make ${count}.`, {
      limit: MAX_TAGS,
    });
  }
  return merged;
}

export function removeTags(existing: Tags, keys: readonly string[]): Tags {
  const result: Tags = { ...existing };
  for (const key of keys) delete result[key];
  return result;
}
