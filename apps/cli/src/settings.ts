import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { CliError, EXIT } from './errors';

export interface Profile {
  endpoint: string;
  apiKey: string;
}

type ProfileFile = Record<string, Partial<Profile>>;

/** `$EDGEFLEET_CONFIG_FILE`, else `$XDG_CONFIG_HOME/edgefleet/config.json`, else `~/.config/edgefleet/config.json`. */
export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EDGEFLEET_CONFIG_FILE) return env.EDGEFLEET_CONFIG_FILE;
  return path.join(env.XDG_CONFIG_HOME || path.join(homedir(), '.config'), 'edgefleet', 'config.json');
}

function readProfiles(file: string): ProfileFile {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProfileFile;
  } catch (err) {
    throw new CliError(`${file} is not valid JSON (${(err as Error).message}); run \`edgefleet configure\` again or fix it.`, EXIT.CONFIG);
  }
}

/** Writes one profile; the file holds API keys, so it is readable by its owner only (0600), as its folder (0700). */
export function saveProfile(name: string, profile: Profile, file = configFile()): void {
  const profiles = readProfiles(file);
  profiles[name] = profile;
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  writeSecretFile(file, `${JSON.stringify(profiles, null, 2)}\n`);
}

/** Writes a file only its owner can read, never readable by others even for a moment: a new 0600 file, renamed into place. */
export function writeSecretFile(file: string, data: string | Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
  renameSync(temporary, file);
}

/** An endpoint must be an http(s) URL; it is kept without a trailing slash. */
export function normalizeEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new CliError(`--endpoint ${JSON.stringify(endpoint)} is not a URL; use e.g. http://127.0.0.1:3000`, EXIT.USAGE);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--endpoint must be an http:// or https:// URL, got ${url.protocol}`, EXIT.USAGE);
  return url.toString().replace(/\/+$/, '');
}

/** Flags first, then the environment, then the profile file: each of endpoint and key on its own. */
export function resolveProfile(flags: { endpoint?: string; apiKey?: string; profile?: string }, env: NodeJS.ProcessEnv = process.env): Profile {
  const name = flags.profile || env.EDGEFLEET_PROFILE || 'default';
  const file = configFile(env);
  const stored = readProfiles(file)[name] ?? {};
  // An empty value is no value (EDGEFLEET_API_KEY= in a shell unsets nothing).
  const endpoint = flags.endpoint || env.EDGEFLEET_ENDPOINT || stored.endpoint;
  const apiKey = flags.apiKey || env.EDGEFLEET_API_KEY || stored.apiKey;
  if (!endpoint || !apiKey) {
    const missing = [!endpoint && 'endpoint', !apiKey && 'API key'].filter(Boolean).join(' or ');
    throw new CliError(`No ${missing} configured (profile "${name}"): run \`edgefleet configure\`, or pass --endpoint and --api-key (or set EDGEFLEET_ENDPOINT and EDGEFLEET_API_KEY).`, EXIT.CONFIG);
  }
  return { endpoint: normalizeEndpoint(endpoint), apiKey };
}
