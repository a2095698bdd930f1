import {
  CreateProvisioningClaimCommand,
  CreateThingCommand,
  DeleteThingCommand,
  DescribeEndpointCommand,
  DetachThingPrincipalCommand,
  IoTClient,
  ListThingPrincipalsCommand,
  ResourceNotFoundException,
  UpdateCertificateCommand,
} from '@aws-sdk/client-iot';
import { DeleteConnectionCommand, IoTDataPlaneClient } from '@aws-sdk/client-iot-data-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsIotBackend } from './aws-iot.backend';

const iot = mockClient(IoTClient);
const data = mockClient(IoTDataPlaneClient);
const backend = () => new AwsIotBackend(new IoTClient({ region: 'us-east-1' }), new IoTDataPlaneClient({ region: 'us-east-1' }), { templateName: 'edgefleet-fleet-provisioning', rootCaPem: 'ROOT' });

beforeEach(() => {
  iot.reset();
  data.reset();
});

describe('AwsIotBackend', () => {
  it('creates the thing with its organization as an attribute', async () => {
    iot.on(CreateThingCommand).resolves({ thingName: 'device-a' });
    await backend().createThing('device-a', 'org-1');
    expect(iot.commandCalls(CreateThingCommand)[0].args[0].input).toEqual({ thingName: 'device-a', attributePayload: { attributes: { organizationId: 'org-1' } } });
  });

  it('gets a 5-minute claim from CreateProvisioningClaim and the ATS data endpoint', async () => {
    const expiration = new Date(Date.now() + 300_000);
    iot.on(CreateProvisioningClaimCommand).resolves({ certificateId: 'c1', certificatePem: 'PEM', keyPair: { PrivateKey: 'KEY', PublicKey: 'PUB' }, expiration });
    iot.on(DescribeEndpointCommand).resolves({ endpointAddress: 'abc-ats.iot.us-east-1.amazonaws.com' });
    const claim = await backend().createProvisioningClaim();
    expect(claim).toEqual({
      certificateId: 'c1',
      certificatePem: 'PEM',
      privateKeyPem: 'KEY',
      rootCaPem: 'ROOT',
      expiresAt: expiration,
      endpoint: { host: 'abc-ats.iot.us-east-1.amazonaws.com', port: 8883 },
      templateName: 'edgefleet-fleet-provisioning',
    });
    expect(iot.commandCalls(CreateProvisioningClaimCommand)[0].args[0].input).toEqual({ templateName: 'edgefleet-fleet-provisioning' });
    expect(iot.commandCalls(DescribeEndpointCommand)[0].args[0].input).toEqual({ endpointType: 'iot:Data-ATS' });
  });

  it('decommissions in order: revoke and detach every certificate, drop the connection, delete the thing', async () => {
    const order: string[] = [];
    const arn = (id: string) => `arn:aws:iot:us-east-1:123456789012:cert/${id}`;
    iot.on(ListThingPrincipalsCommand).callsFake(() => (order.push('list'), { principals: [arn('c1'), arn('c2')] }));
    iot.on(UpdateCertificateCommand).callsFake((i) => (order.push(`revoke ${i.certificateId} ${i.newStatus}`), {}));
    iot.on(DetachThingPrincipalCommand).callsFake((i) => (order.push(`detach ${i.principal.split('/')[1]}`), {}));
    data.on(DeleteConnectionCommand).callsFake((i) => (order.push(`disconnect ${i.clientId}`), {}));
    iot.on(DeleteThingCommand).callsFake((i) => (order.push(`delete ${i.thingName}`), {}));
    await backend().decommissionThing('device-a');
    expect(order).toEqual(['list', 'revoke c1 REVOKED', 'detach c1', 'revoke c2 REVOKED', 'detach c2', 'disconnect device-a', 'delete device-a']);
  });

  it('treats a thing that is already gone as done', async () => {
    iot.on(ListThingPrincipalsCommand).rejects(new ResourceNotFoundException({ message: 'no thing', $metadata: {} }));
    await expect(backend().decommissionThing('device-gone')).resolves.toBeUndefined();
  });

  it('surfaces failures as clear errors naming the AWS operation', async () => {
    iot.on(CreateProvisioningClaimCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(backend().createProvisioningClaim()).rejects.toMatchObject({
      code: 'INTERNAL',
      message: 'AWS IoT CreateProvisioningClaim failed: ThrottlingException: Rate exceeded',
    });
    iot.on(CreateThingCommand).rejects(Object.assign(new Error('denied'), { name: 'UnauthorizedException' }));
    await expect(backend().createThing('device-a', 'o')).rejects.toThrow('AWS IoT CreateThing failed: UnauthorizedException: denied');
  });
});
