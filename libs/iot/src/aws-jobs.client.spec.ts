import { CancelJobCommand, CreateJobCommand, DescribeThingCommand, IoTClient } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsJobsClient } from './aws-jobs.client';

const iot = mockClient(IoTClient);
const client = () => new AwsJobsClient(new IoTClient({ region: 'us-east-1' }));
const arn = 'arn:aws:iot:us-east-1:123456789012:thing/device-a';

beforeEach(() => {
  iot.reset();
  iot.on(DescribeThingCommand).resolves({ thingArn: arn });
});

describe('AwsJobsClient', () => {
  it('CreateJob: one snapshot job per device job, same id, the document as JSON; a repeat is fine', async () => {
    const c = client();
    iot.on(CreateJobCommand).resolvesOnce({ jobId: 'device-a-0' }).rejects(Object.assign(new Error('exists'), { name: 'ResourceAlreadyExistsException' }));
    await c.createJob('device-a-0', 'device-a', { operation: 'REBOOT' }, 30);
    await c.createJob('device-a-0', 'device-a', { operation: 'REBOOT' }, 30);
    const input = iot.commandCalls(CreateJobCommand)[0].args[0].input;
    expect(input).toEqual({ jobId: 'device-a-0', targets: [arn], document: '{"operation":"REBOOT"}', targetSelection: 'SNAPSHOT', timeoutConfig: { inProgressTimeoutInMinutes: 30 } });
    expect(iot.commandCalls(DescribeThingCommand)).toHaveLength(1); // the ARN is cached
  });

  it('other CreateJob errors surface', async () => {
    iot.on(CreateJobCommand).rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    await expect(client().createJob('device-a-0', 'device-a', {})).rejects.toThrow('slow down');
  });

  it('CancelJob never forces; an unknown job is already gone', async () => {
    iot.on(CancelJobCommand).rejectsOnce(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' })).resolves({});
    await client().cancelJob('device-a-0', 'rollout aborted');
    await client().cancelJob('device-a-1', 'rollout aborted');
    expect(iot.commandCalls(CancelJobCommand)[1].args[0].input).toEqual({ jobId: 'device-a-1', force: false, comment: 'rollout aborted' });
  });
});
