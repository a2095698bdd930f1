import { validationFailed } from './errors';
import { newId } from './ids';

export const newPackageId = () => newId('package');
export const newNodeFromTemplateJobId = () => newId('nodeFromTemplateJob');

const CATALOGUE_NAME = /^[a-zA-Z0-9_-]+$/;
export const MAX_CATALOGUE_NAME_LENGTH = 128;

/** Node and package names: 1 to 128 of a-z, A-Z, 0-9, _ and -. */
export function assertCatalogueName(field: string, name: string): void {
  if (name.length < 1 || name.length > MAX_CATALOGUE_NAME_LENGTH) {
    throw validationFailed(field, `must be 1 to ${MAX_CATALOGUE_NAME_LENGTH} characters (got ${name.length}).`);
  }
  if (!CATALOGUE_NAME.test(name)) throw validationFailed(field, `"${name}" may only contain a-z, A-Z, 0-9, _ (underscore) and - (hyphen).`);
}

/** A package version as Panorama writes it: major.minor, such as 1.0. */
export function assertPackageVersion(field: string, version: string): void {
  if (!/^\d{1,9}\.\d{1,9}$/.test(version)) throw validationFailed(field, `"${version.slice(0, 40)}" is not a package version like 1.0.`);
}

export interface RtspTemplateParameters {
  username: string;
  password: string;
  streamUrl: string;
}

/**
 * RTSP_CAMERA_STREAM template values: each 1–255 characters; the URL rtsp:// or rtsps:// with a
 * host and no credentials in it (those go to the secret store, never into a URL that is shown).
 * Messages never echo the username or password.
 */
export function assertRtspTemplateParameters(p: RtspTemplateParameters): void {
  for (const key of ['username', 'password', 'streamUrl'] as const) {
    const n = p[key].length;
    if (n < 1 || n > 255) throw validationFailed(`templateParameters.${key}`, `must be 1 to 255 characters (got ${n}).`);
  }
  if (/[\u0000-\u001f\u007f]/.test(p.username) || /[\u0000-\u001f\u007f]/.test(p.password)) {
    throw validationFailed('templateParameters', 'the username and password may not contain control characters.');
  }
  let url: URL;
  try {
    url = new URL(p.streamUrl);
  } catch {
    throw validationFailed('templateParameters.streamUrl', 'is not a URL; give one like rtsp://192.168.0.77/live/mpeg4/.');
  }
  if (url.protocol !== 'rtsp:' && url.protocol !== 'rtsps:') throw validationFailed('templateParameters.streamUrl', `must be an rtsp:// or rtsps:// URL (got ${url.protocol}//).`);
  if (!url.hostname) throw validationFailed('templateParameters.streamUrl', 'must name a host.');
  if (url.username || url.password) {
    throw validationFailed('templateParameters.streamUrl', 'must not carry credentials; pass them as username and password, which are kept in the secret store.');
  }
}
