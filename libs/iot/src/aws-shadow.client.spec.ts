import { GetThingShadowCommand, IoTDataPlaneClient, ResourceNotFoundException, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsShadowClient } from './aws-shadow.client';

const data = mockClient(IoTDataPlaneClient);
const client = () => new AwsShadowClient(new IoTDataPlaneClient({ region: 'us-east-1' }));
const bytes = (o: object) => new Uint8Array(Buffer.from(JSON.stringify(o)));

beforeEach(() => data.reset());

describe('AwsShadowClient', () => {
  it('GetThingShadow for a named shadow, decoded', async () => {
    data.on(GetThingShadowCommand).resolves({ payload: bytes({ state: { reported: { a: 1 } }, version: 3 }) as never });
    expect(await client().get('device-a', 'system')).toEqual({ state: { reported: { a: 1 } }, version: 3 });
    expect(data.commandCalls(GetThingShadowCommand)[0].args[0].input).toEqual({ thingName: 'device-a', shadowName: 'system' });
  });

  it('the classic shadow has no shadowName; a missing one is NOT_FOUND', async () => {
    data.on(GetThingShadowCommand).rejects(new ResourceNotFoundException({ message: 'No shadow exists', $metadata: {} }));
    await expect(client().get('device-a', null)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(data.commandCalls(GetThingShadowCommand)[0].args[0].input).toEqual({ thingName: 'device-a' });
  });

  it('UpdateThingShadow with {state: {desired}}; AWS errors become specific codes', async () => {
    data.on(UpdateThingShadowCommand).resolves({ payload: bytes({ state: { desired: { x: 1 } }, version: 4 }) as never });
    expect(await client().update('device-a', 'system', { desired: { x: 1 } })).toEqual({ state: { desired: { x: 1 } }, version: 4 });
    const input = data.commandCalls(UpdateThingShadowCommand)[0].args[0].input;
    expect([input.thingName, input.shadowName, JSON.parse(Buffer.from(input.payload as Uint8Array).toString())]).toEqual(['device-a', 'system', { state: { desired: { x: 1 } } }]);
    data.on(UpdateThingShadowCommand).rejects(Object.assign(new Error('Version conflict'), { name: 'ConflictException' }));
    await expect(client().update('device-a', 'system', { desired: { x: 2 } })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});
