import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsSecretStore } from './aws-secret.store';

const sm = mockClient(SecretsManagerClient);
const store = () => new AwsSecretStore(new SecretsManagerClient({ region: 'us-east-1' }));
const org = '3f0c1d9e-0000-4000-8000-000000000001';
const id = `edgefleet/${org}/cameras/lobby`;
const value = { username: 'admin', password: 'hunter2-lobby' };
const created = new Date('2026-12-01T10:00:00Z');
const changed = new Date('2026-12-02T10:00:00Z');
const missing = () => new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} });

beforeEach(() => {
  sm.reset();
  sm.on(DescribeSecretCommand).resolves({ Name: id, CreatedDate: created, LastChangedDate: changed });
});

describe('AwsSecretStore', () => {
  it('put creates edgefleet/<org>/<name> with the value as JSON', async () => {
    sm.on(CreateSecretCommand).resolves({ Name: id });
    expect(await store().put(org, 'cameras/lobby', value)).toEqual({ name: 'cameras/lobby', createdAt: created, updatedAt: changed });
    expect(sm.commandCalls(CreateSecretCommand)[0].args[0].input).toMatchObject({ Name: id, SecretString: JSON.stringify(value) });
    expect(sm.commandCalls(PutSecretValueCommand)).toHaveLength(0);
  });

  it('put on an existing secret puts a new value', async () => {
    sm.on(CreateSecretCommand).rejects(new ResourceExistsException({ message: 'already exists', $metadata: {} }));
    sm.on(PutSecretValueCommand).resolves({ Name: id });
    await store().put(org, 'cameras/lobby', value);
    expect(sm.commandCalls(PutSecretValueCommand)[0].args[0].input).toMatchObject({ SecretId: id, SecretString: JSON.stringify(value) });
  });

  it('get parses GetSecretValue; a missing secret is NOT_FOUND', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify(value) });
    expect(await store().get(org, 'cameras/lobby')).toEqual(value);
    expect(sm.commandCalls(GetSecretValueCommand)[0].args[0].input).toEqual({ SecretId: id });
    sm.on(GetSecretValueCommand).rejects(missing());
    await expect(store().get(org, 'cameras/lobby')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a value that is not JSON is refused without quoting it', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: 'hunter2-plain' });
    const err = await store().get(org, 'cameras/lobby').catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'INTERNAL' });
    expect((err as Error).message).not.toContain('hunter2');
  });

  it('describe maps CreatedDate and LastChangedDate; a missing secret is undefined', async () => {
    expect(await store().describe(org, 'cameras/lobby')).toEqual({ name: 'cameras/lobby', createdAt: created, updatedAt: changed });
    expect(sm.commandCalls(DescribeSecretCommand)[0].args[0].input).toEqual({ SecretId: id });
    sm.on(DescribeSecretCommand).rejects(missing());
    expect(await store().describe(org, 'cameras/lobby')).toBeUndefined();
  });

  it('delete forces deletion without recovery, and a missing secret is fine', async () => {
    sm.on(DeleteSecretCommand).resolves({});
    await store().delete(org, 'cameras/lobby');
    expect(sm.commandCalls(DeleteSecretCommand)[0].args[0].input).toEqual({ SecretId: id, ForceDeleteWithoutRecovery: true });
    sm.on(DeleteSecretCommand).rejects(missing());
    await expect(store().delete(org, 'cameras/lobby')).resolves.toBeUndefined();
  });

  it('other AWS errors are INTERNAL and name the operation', async () => {
    sm.on(GetSecretValueCommand).rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));
    await expect(store().get(org, 'cameras/lobby')).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('GetSecretValue failed: AccessDeniedException') });
  });

  it('an invalid name is VALIDATION_FAILED before any call', async () => {
    await expect(store().put(org, 'lobby camera', value)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(store().get(org, 'x'.repeat(257))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(sm.calls()).toHaveLength(0);
  });
});
