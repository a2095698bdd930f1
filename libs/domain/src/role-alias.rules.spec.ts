import { DomainError } from './errors';
import { assertCredentialDuration, assertRoleAliasName, parsePolicyDocument, policyAllows } from './role-alias.rules';

const CLIPS = parsePolicyDocument(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::edgefleet-clips/clips/${credentials-iot:ThingName}/*' },
      { Effect: 'Allow', Action: ['s3:Get*'], Resource: ['arn:aws:s3:::edgefleet-clips/shared/?.mp4'] },
      { Effect: 'Deny', Action: '*', Resource: 'arn:aws:s3:::edgefleet-clips/clips/*/private/*' },
    ],
  }),
);
const thing = { thingName: 'device-aaaa' };

describe('role alias policies (IAM evaluation)', () => {
  it("allows what an Allow matches, with the thing's name in its variables", () => {
    expect(policyAllows(CLIPS, 's3:PutObject', 'arn:aws:s3:::edgefleet-clips/clips/device-aaaa/front/1.mp4', thing)).toBe(true);
    expect(policyAllows(CLIPS, 's3:putobject', 'arn:aws:s3:::edgefleet-clips/clips/device-aaaa/front/1.mp4', thing)).toBe(true); // actions are case-insensitive
    expect(policyAllows(CLIPS, 's3:GetObject', 'arn:aws:s3:::edgefleet-clips/shared/a.mp4', thing)).toBe(true);
  });

  it('denies by default, another thing\'s prefix, a wildcard that does not match, and what an explicit Deny names', () => {
    expect(policyAllows(CLIPS, 's3:PutObject', 'arn:aws:s3:::edgefleet-clips/clips/device-bbbb/front/1.mp4', thing)).toBe(false);
    expect(policyAllows(CLIPS, 's3:DeleteObject', 'arn:aws:s3:::edgefleet-clips/clips/device-aaaa/front/1.mp4', thing)).toBe(false);
    expect(policyAllows(CLIPS, 's3:GetObject', 'arn:aws:s3:::edgefleet-clips/shared/ab.mp4', thing)).toBe(false);
    expect(policyAllows(CLIPS, 's3:PutObject', 'arn:aws:s3:::edgefleet-clips/clips/device-aaaa/private/1.mp4', thing)).toBe(false);
    // A thing type the thing has not: the statement naming it matches nothing.
    const typed = parsePolicyDocument('{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/${credentials-iot:ThingTypeName}/*"}}');
    expect(policyAllows(typed, 's3:PutObject', 'arn:aws:s3:::b//x', thing)).toBe(false);
    expect(policyAllows(typed, 's3:PutObject', 'arn:aws:s3:::b/camera/x', { ...thing, thingTypeName: 'camera' })).toBe(true);
  });

  it('refuses documents it could not enforce, saying where', () => {
    const reason = (text: string) => {
      try {
        parsePolicyDocument(text);
      } catch (err) {
        return `${(err as DomainError).reason}: ${(err as DomainError).message}`;
      }
      return 'accepted';
    };
    expect(reason('{')).toMatch(/^INVALID_JSON/);
    expect(reason('{"Statement": []}')).toMatch(/^INVALID_ARGUMENT: policyDocument/);
    expect(reason('{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {}}}')).toMatch(/Statement/);
    expect(reason('{"Statement": {"Effect": "Allow", "Action": "iot:Publish", "Resource": "*"}}')).toMatch(/not an S3 action/);
    expect(reason('{"Statement": {"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}}')).toMatch(/Effect/);
  });

  it("checks names and durations as AWS IoT does", () => {
    expect(() => assertRoleAliasName('clips-uploader')).not.toThrow();
    expect(() => assertRoleAliasName('no spaces')).toThrow(DomainError);
    expect(() => assertRoleAliasName('x'.repeat(129))).toThrow(DomainError);
    expect(() => assertCredentialDuration(900)).not.toThrow();
    expect(() => assertCredentialDuration(43_200)).not.toThrow();
    expect(() => assertCredentialDuration(899)).toThrow(/900 to 43200/);
    expect(() => assertCredentialDuration(43_201)).toThrow(DomainError);
  });
});
