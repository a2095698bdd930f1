import { GetThingShadowCommand, type IoTDataPlaneClient, ResourceNotFoundException, UpdateThingShadowCommand } from '@aws-sdk/client-iot-data-plane';
import { DomainError } from '@edgefleet/domain';
import { ShadowStore, type ShadowStateChange } from './shadow-store.port';

const decode = (payload: Uint8Array | undefined) => JSON.parse(Buffer.from(payload ?? new Uint8Array()).toString('utf8') || '{}') as object;

/** Device shadows in AWS IoT Core, through the data-plane SDK. */
export class AwsShadowClient extends ShadowStore {
  constructor(private readonly data: IoTDataPlaneClient) {
    super();
  }

  async get(thingName: string, shadowName: string | null): Promise<object> {
    try {
      const out = await this.data.send(new GetThingShadowCommand({ thingName, ...(shadowName ? { shadowName } : {}) }));
      return decode(out.payload);
    } catch (err) {
      if (err instanceof ResourceNotFoundException) throw new DomainError('SHADOW_NOT_FOUND', `No shadow exists with name: '${shadowName ?? thingName}'`);
      throw new DomainError('SHADOW_NOT_FOUND', `AWS IoT GetThingShadow failed: ${(err as Error).name}: ${(err as Error).message}`);
    }
  }

  /** Merges the change; AWS IoT publishes the documents and delta to the device itself. */
  async update(thingName: string, shadowName: string | null, state: ShadowStateChange, version?: number): Promise<object> {
    try {
      const payload = Buffer.from(JSON.stringify({ state, ...(version !== undefined ? { version } : {}) }));
      const out = await this.data.send(new UpdateThingShadowCommand({ thingName, ...(shadowName ? { shadowName } : {}), payload }));
      return decode(out.payload);
    } catch (err) {
      const e = err as { name?: string; message?: string };
      const code = e.name === 'InvalidRequestException' || e.name === 'RequestEntityTooLargeException' ? 'INVALID_ARGUMENT' : e.name === 'ConflictException' ? 'VERSION_CONFLICT' : 'UPSTREAM_FAILED';
      throw new DomainError(code, `AWS IoT UpdateThingShadow failed: ${e.name}: ${e.message}`);
    }
  }
}
