import { CreateRoleAliasCommand, DeleteRoleAliasCommand, DescribeEndpointCommand, IoTClient, ResourceAlreadyExistsException, UpdateRoleAliasCommand } from '@aws-sdk/client-iot';
import { mockClient } from 'aws-sdk-client-mock';
import { DomainError } from '@edgefleet/domain';
import { AwsCredentials } from './credentials-backend.port';

const iot = mockClient(IoTClient);
const aliases = () => new AwsCredentials(new IoTClient({ region: 'eu-west-1' }), 'eu-west-1');
const ROLE = 'arn:aws:iam::123456789012:role/clips-uploader';

beforeEach(() => iot.reset());

describe('temporary credentials with IOT_BACKEND=aws', () => {
  it("come from the account's credentials provider, for Amazon S3 of the region: applications upload to the operator's bucket", async () => {
    iot.on(DescribeEndpointCommand, { endpointType: 'iot:CredentialProvider' }).resolves({ endpointAddress: 'c2abcdef.credentials.iot.eu-west-1.amazonaws.com' });
    const backend = aliases();
    expect(await backend.endpoints()).toEqual({ credentialsProvider: 'https://c2abcdef.credentials.iot.eu-west-1.amazonaws.com', s3Endpoint: 'https://s3.eu-west-1.amazonaws.com' });
    await backend.endpoints();
    expect(iot.commandCalls(DescribeEndpointCommand)).toHaveLength(1);
  });

  it("are AWS IoT's role aliases for the IAM role, made, updated and deleted through the SDK", async () => {
    await aliases().created({ roleAlias: 'clips', roleArn: ROLE, credentialDurationSeconds: 900 });
    await aliases().updated({ roleAlias: 'clips', roleArn: ROLE, credentialDurationSeconds: 3600 });
    await aliases().deleted('clips');
    expect(iot.commandCalls(CreateRoleAliasCommand)[0].args[0].input).toEqual({ roleAlias: 'clips', roleArn: ROLE, credentialDurationSeconds: 900 });
    expect(iot.commandCalls(UpdateRoleAliasCommand)[0].args[0].input).toEqual({ roleAlias: 'clips', roleArn: ROLE, credentialDurationSeconds: 3600 });
    expect(iot.commandCalls(DeleteRoleAliasCommand)[0].args[0].input).toEqual({ roleAlias: 'clips' });
  });

  it('need the IAM role, and pass on what AWS refuses (the service then keeps nothing: the call is inside its transaction)', async () => {
    await expect(aliases().created({ roleAlias: 'clips', roleArn: null, credentialDurationSeconds: 900 })).rejects.toThrow(DomainError);
    expect(iot.commandCalls(CreateRoleAliasCommand)).toHaveLength(0);
    iot.on(CreateRoleAliasCommand).rejects(new ResourceAlreadyExistsException({ message: 'exists', $metadata: {}, resourceId: 'clips' }));
    await expect(aliases().created({ roleAlias: 'clips', roleArn: ROLE, credentialDurationSeconds: 900 })).rejects.toThrow(/exists/);
  });
});
