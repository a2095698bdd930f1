import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, timingSafeEqual } from 'node:crypto';

/** How far a request's X-Amz-Date may be from the server's clock, as AWS allows. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([^/\s]+)\/([^/\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

export interface Credential {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

export interface ReceivedRequest {
  method: string;
  /** Path and query exactly as sent (still percent-encoded). */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Why a request is refused, in AWS's words where it has them; undefined when it is signed right. */
export type Refusal = string;

export function parseAuthorization(header: string | undefined): Credential | Refusal {
  if (!header) return 'Missing Authentication Token: sign the request with AWS Signature Version 4 (an EdgeFleet access key).';
  const m = AUTHORIZATION.exec(header.trim());
  if (!m) return 'Authorization header requires AWS4-HMAC-SHA256 with Credential, SignedHeaders and Signature.';
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4], signedHeaders: m[5].split(';'), signature: m[6] };
}

const amzDate = (s: string) => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6])) : undefined;
};

/**
 * Checks a SigV4 signature by signing the request again with the key's secret
 * (@smithy/signature-v4, the signer the AWS SDKs use) and comparing: the clock, the scope
 * and the payload hash first, each with its own message.
 */
/**
 * `expected.region`: the only region accepted; undefined accepts the region the credential names.
 * `expected.payload`: `body` (the default) checks the body against X-Amz-Content-Sha256; `header`
 * (S3's streamed uploads) signs with the header's value, and the caller checks the body as it
 * streams in (UNSIGNED-PAYLOAD, as SDKs send over TLS, leaves the content to the key's digest).
 */
export async function verifySignature(
  req: ReceivedRequest,
  credential: Credential,
  secretAccessKey: string,
  expected: { service: string; region?: string; now: Date; payload?: 'body' | 'header' },
): Promise<Refusal | undefined> {
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const dateHeader = header('x-amz-date');
  const signingDate = dateHeader ? amzDate(dateHeader) : undefined;
  if (!signingDate) return 'The request must carry X-Amz-Date (yyyyMMddTHHmmssZ), and sign it.';
  if (Math.abs(expected.now.getTime() - signingDate.getTime()) > MAX_SKEW_MS) {
    return `Signature expired: the request was signed at ${signingDate.toISOString()}, more than 15 minutes from the server's time ${expected.now.toISOString()}. Check the clock of the machine that signs.`;
  }
  if (credential.date !== dateHeader!.slice(0, 8)) return `Credential date ${credential.date} does not match X-Amz-Date ${dateHeader}.`;
  if (credential.service !== expected.service) return `Credential should be scoped to correct service: '${expected.service}', not '${credential.service}'.`;
  if (expected.region !== undefined && credential.region !== expected.region) {
    return `Credential should be scoped to a valid region: this installation is '${expected.region}' (EDGEFLEET_REGION), not '${credential.region}' (set AWS_DEFAULT_REGION or --region).`;
  }
  if (!credential.signedHeaders.includes('host')) return 'The host header must be signed.';
  const claimed = header('x-amz-content-sha256');
  if (expected.payload === 'header') {
    if (!claimed || !credential.signedHeaders.includes('x-amz-content-sha256')) return 'The request must carry X-Amz-Content-Sha256, and sign it.';
    if (claimed !== 'UNSIGNED-PAYLOAD' && !/^[a-f0-9]{64}$/.test(claimed)) return `X-Amz-Content-Sha256 ${claimed.slice(0, 64)} is not supported: send the payload's SHA-256 (or UNSIGNED-PAYLOAD), not aws-chunked streaming.`;
  } else if (claimed !== undefined && claimed !== createHash('sha256').update(req.body).digest('hex')) {
    return 'The X-Amz-Content-Sha256 header does not match the body (unsigned payloads are not accepted).';
  }

  const [path, search = ''] = req.url.split(/\?(.*)/s, 2);
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(search)) {
    const had = query[k];
    query[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  const headers: Record<string, string> = {};
  for (const name of credential.signedHeaders) {
    const v = header(name);
    if (v === undefined) return `The signed header ${name} is missing from the request.`;
    headers[name] = v;
  }
  const signer = new SignatureV4({
    service: credential.service,
    region: credential.region,
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey },
    sha256: Hash.bind(null, 'sha256'),
    applyChecksum: false,
    // S3 signs the path as sent; every other service encodes it once more.
    uriEscapePath: credential.service !== 's3',
  });
  const signed = await signer.sign(
    { method: req.method, protocol: 'http:', hostname: headers.host.split(':')[0], path, query, headers, body: req.body },
    { signingDate, signableHeaders: new Set(credential.signedHeaders) },
  );
  const ours = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization))![1];
  if (!timingSafeEqual(Buffer.from(ours), Buffer.from(credential.signature))) {
    return 'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.';
  }
  return undefined;
}
