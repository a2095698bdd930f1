import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { GraphqlRequestError } from '@edgefleet/client';
import { buildProgram, describeFailure } from './cli';
import { CliError, EXIT } from './errors';
import { Output } from './output';
import { resolveProfile, saveProfile } from './settings';

const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];

describe('edgefleet CLI', () => {
  it('has --help for every command, each with a description', () => {
    const commands = all(buildProgram());
    expect(commands.length).toBeGreaterThan(35);
    for (const c of commands) {
      expect(c.description()).not.toBe('');
      expect(c.helpInformation()).toContain('Usage:');
    }
    expect(buildProgram().helpInformation()).toContain('--output <format>');
  });

  it('takes endpoint and key from flags, then the environment, then the profile file, which is 0600', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'edgefleet-cli-')), 'nested', 'config.json');
    saveProfile('default', { endpoint: 'http://stored:3000', apiKey: 'efk_stored' }, file);
    saveProfile('lab', { endpoint: 'http://lab:3000', apiKey: 'efk_lab' }, file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(Object.keys(JSON.parse(readFileSync(file, 'utf8')))).toEqual(['default', 'lab']);
    const env = { EDGEFLEET_CONFIG_FILE: file };
    expect(resolveProfile({}, env)).toEqual({ endpoint: 'http://stored:3000', apiKey: 'efk_stored' });
    expect(resolveProfile({ profile: 'lab' }, env)).toEqual({ endpoint: 'http://lab:3000', apiKey: 'efk_lab' });
    expect(resolveProfile({}, { ...env, EDGEFLEET_API_KEY: 'efk_env' })).toEqual({ endpoint: 'http://stored:3000', apiKey: 'efk_env' });
    expect(resolveProfile({ endpoint: 'https://flag.example/', apiKey: 'efk_flag' }, { ...env, EDGEFLEET_API_KEY: 'efk_env' })).toEqual({ endpoint: 'https://flag.example', apiKey: 'efk_flag' });
  });

  it('says what is missing when nothing is configured, and refuses a bad endpoint', () => {
    const env = { EDGEFLEET_CONFIG_FILE: path.join(tmpdir(), 'edgefleet-cli-none', 'config.json') };
    const err = (() => {
      try {
        resolveProfile({ endpoint: 'http://x' }, env);
      } catch (e) {
        return e as CliError;
      }
    })();
    expect([err?.exitCode, err?.message]).toEqual([EXIT.CONFIG, expect.stringMatching(/^No API key configured \(profile "default"\): run `edgefleet configure`/)]);
    expect(() => resolveProfile({ endpoint: 'mqtt://x', apiKey: 'k' }, env)).toThrow('--endpoint must be an http:// or https:// URL, got mqtt:');
  });

  it('maps each failure to one line and its exit code', () => {
    const refused = new GraphqlRequestError({ status: 200, data: null, errors: [{ message: 'Device device-x was not found.', extensions: { code: 'NOT_FOUND', reason: 'DEVICE_NOT_FOUND' } }] });
    expect(describeFailure(refused)).toEqual({ message: 'NOT_FOUND (DEVICE_NOT_FOUND): Device device-x was not found.', exitCode: EXIT.REFUSED });
    const badKey = new GraphqlRequestError({ status: 401, data: null, errors: [{ message: 'unknown key', extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(describeFailure(badKey).exitCode).toBe(EXIT.CONFIG);
    const down = Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    expect(describeFailure(down, 'http://127.0.0.1:9')).toEqual({ message: 'cannot reach the api at http://127.0.0.1:9: ECONNREFUSED', exitCode: EXIT.UNREACHABLE });
    expect(describeFailure(new CliError('rollout ended ABORTED', EXIT.FAILED))).toEqual({ message: 'rollout ended ABORTED', exitCode: EXIT.FAILED });
  });

  it('prints aligned columns for people and the data alone for scripts', () => {
    const capture = (format: 'table' | 'json') => {
      const stdout = new PassThrough();
      const chunks: string[] = [];
      stdout.on('data', (c) => chunks.push(String(c)));
      new Output(format, stdout, new PassThrough()).list(
        [
          { id: 'device-a', name: 'cam', software: null },
          { id: 'device-bb', name: 'lobby camera', software: '5.1.3' },
        ],
        [
          ['ID', (r) => r.id],
          ['NAME', (r) => r.name],
          ['SOFTWARE', (r) => r.software],
        ],
      );
      return chunks.join('');
    };
    expect(capture('table')).toBe('ID         NAME          SOFTWARE\ndevice-a   cam           -\ndevice-bb  lobby camera  5.1.3\n');
    expect(JSON.parse(capture('json'))).toEqual([
      { id: 'device-a', name: 'cam', software: null },
      { id: 'device-bb', name: 'lobby camera', software: '5.1.3' },
    ]);
  });
});
