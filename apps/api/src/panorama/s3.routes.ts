import { Logger } from '@nestjs/common';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { ClipService, ClipWriter } from '@edgefleet/clips';
import { type SessionClaims, type SessionGrants, isSessionAccessKeyId } from '@edgefleet/credentials';
import { DomainError, type ErrorCode, type ErrorReason } from '@edgefleet/domain';
import type { Principal } from '@edgefleet/organizations';
import type { PackageObjects, StoredObject } from '@edgefleet/packages';
import { ApiException, type Deps, assertSigned, authenticateSigned } from './panorama.routes';
import { parseAuthorization } from './sigv4';

const logger = new Logger('S3Api');
const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const xml = new XMLBuilder({ ignoreAttributes: false, suppressEmptyNode: false });
const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, isArray: (name) => name === 'Part' });
/** CompleteMultipartUpload bodies list parts; 10,000 of them fit well within this. */
const MAX_XML_BYTES = 2 * 1024 * 1024;

/** S3's error codes and statuses: by reason where S3 is more precise, else by category. */
const BY_REASON: Partial<Record<ErrorReason, [string, number]>> = {
  OBJECT_NOT_FOUND: ['NoSuchKey', 404],
  UPLOAD_NOT_FOUND: ['NoSuchUpload', 404],
  OBJECT_KEY_FORBIDDEN: ['AccessDenied', 403],
  POLICY_DENIED: ['AccessDenied', 403],
  EXPIRED_TOKEN: ['ExpiredToken', 400],
  API_KEY_INVALID: ['InvalidToken', 400],
  DIGEST_MISMATCH: ['XAmzContentSHA256Mismatch', 400],
  INVALID_PART: ['InvalidPart', 400],
  PAYLOAD_TOO_LARGE: ['EntityTooLarge', 400],
  UPLOAD_INCOMPLETE: ['IncompleteBody', 400],
};
const BY_CODE: Record<ErrorCode, [string, number]> = {
  VALIDATION_FAILED: ['InvalidArgument', 400],
  QUOTA_EXCEEDED: ['QuotaExceeded', 403],
  UNAUTHENTICATED: ['AccessDenied', 403],
  FORBIDDEN: ['AccessDenied', 403],
  NOT_FOUND: ['NoSuchKey', 404],
  CONFLICT: ['OperationAborted', 409],
  RATE_LIMITED: ['SlowDown', 503],
  INTERNAL: ['InternalError', 500],
};

type S3Request = FastifyRequest<{ Params: { bucket: string; '*'?: string }; Querystring: Record<string, string | undefined> }>;

/** S3's XML error (no body for HEAD, where HTTP allows none). */
function sendError(req: FastifyRequest, reply: FastifyReply, err: unknown, resource: string): FastifyReply {
  let code: string;
  let status: number;
  let message: string;
  if (err instanceof ApiException) [code, status, message] = [err.type === 'AccessDeniedException' ? 'AccessDenied' : err.type, err.status, err.message];
  else if (err instanceof DomainError) [[code, status], message] = [BY_REASON[err.reason] ?? BY_CODE[err.code], err.message];
  else {
    logger.error({ err }, 'unexpected error');
    [code, status, message] = ['InternalError', 500, 'We encountered an internal error; it has been logged. Please try again.'];
  }
  reply.code(status);
  if (req.method === 'HEAD') return reply.send();
  return reply.header('content-type', 'application/xml').send(xml.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, Error: { Code: code, Message: message, Resource: resource, RequestId: randomUUID() } }));
}

const document = (root: string, body: object) => xml.build({ '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' }, [root]: { '@_xmlns': NS, ...body } });

/** The body's SHA-256 as the request signed it (none for UNSIGNED-PAYLOAD), and its declared length. */
function payload(req: FastifyRequest): { signedSha256?: string; sizeBytes?: number } {
  const sha = req.headers['x-amz-content-sha256'];
  const length = req.headers['content-length'];
  return { signedSha256: typeof sha === 'string' && /^[a-f0-9]{64}$/.test(sha) ? sha : undefined, sizeBytes: length === undefined ? undefined : Number(length) };
}

async function readXml(body: Readable): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += (chunk as Buffer).length;
    if (size > MAX_XML_BYTES) throw new DomainError('PAYLOAD_TOO_LARGE', `The XML body is larger than ${MAX_XML_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  try {
    return parser.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
  } catch (err) {
    throw new DomainError('INVALID_ARGUMENT', `The XML you provided was not well-formed: ${(err as Error).message}`);
  }
}

/** A single-byte range of GetObject (`bytes=start-end`, `bytes=start-`, `bytes=-suffix`), or undefined for the whole object. */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start <= end ? { start, end } : undefined;
}

/** The S3 action and ARN a request asks for, as IAM names them (what a role alias's policy is checked against). */
function actionOf(req: S3Request): { action: string; resource: string } {
  const objectArn = `arn:aws:s3:::${req.params.bucket}/${req.params['*'] ?? ''}`;
  if (req.method === 'GET' && req.params['*'] === undefined) return { action: 's3:ListBucket', resource: `arn:aws:s3:::${req.params.bucket}` };
  if (req.method === 'GET' || req.method === 'HEAD') return { action: 's3:GetObject', resource: objectArn };
  if (req.method === 'DELETE') return { action: req.query.uploadId !== undefined ? 's3:AbortMultipartUpload' : 's3:DeleteObject', resource: objectArn };
  return { action: 's3:PutObject', resource: objectArn };
}

export interface S3Deps extends Deps {
  grants: SessionGrants;
}

/**
 * A request signed with temporary credentials (an ASIA access key id): the session token must be
 * ours, unexpired and signed with the request; the secret follows from the access key id.
 * Refused as S3 refuses: InvalidToken, ExpiredToken, AccessDenied. Undefined for access keys.
 */
async function authenticateSession(req: S3Request, deps: S3Deps): Promise<SessionClaims | undefined> {
  const credential = parseAuthorization(req.headers.authorization);
  if (typeof credential === 'string' || !isSessionAccessKeyId(credential.accessKeyId)) return undefined;
  const token = req.headers['x-amz-security-token'];
  const { claims, secretAccessKey } = deps.grants.authenticate(credential.accessKeyId, typeof token === 'string' ? token : undefined);
  if (!credential.signedHeaders.includes('x-amz-security-token')) throw new ApiException('AccessDeniedException', 403, 'The X-Amz-Security-Token header must be signed.');
  await assertSigned(req, credential, secretAccessKey, 's3', deps, 'header');
  return claims;
}

type Payload = ReturnType<typeof payload>;

/** One bucket's objects as the routes use them, for one caller. */
interface Bucket {
  head(key: string): Promise<StoredObject>;
  get(key: string, range?: { start: number; end: number }): Promise<{ body: Readable }>;
  list(prefix: string, opts: { after?: string; maxKeys: number }): Promise<{ objects: StoredObject[]; truncated: boolean }>;
  put(key: string, body: Readable, p: Payload): Promise<{ etag: string }>;
  remove(key: string): Promise<void>;
  contentType(key: string): string;
  multipart: {
    create(key: string): Promise<{ uploadId: string }>;
    part(key: string, uploadId: string, partNumber: number, body: Readable, p: Payload): Promise<{ etag: string }>;
    complete(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<{ etag: string }>;
    abort(key: string, uploadId: string): Promise<void>;
  };
}

/** Package files, for an access key: panorama-cli's uploads. */
const packageBucket = (objects: PackageObjects, p: Principal, bucket: string): Bucket => ({
  head: (key) => objects.head(p, bucket, key),
  get: (key, range) => objects.get(p, bucket, key, range),
  list: (prefix, opts) => objects.list(p, bucket, prefix, opts),
  put: (key, body, payload) => objects.put(p, bucket, key, body, payload),
  remove: async () => {
    throw new DomainError('OBJECT_KEY_FORBIDDEN', 'Access Denied: package files are removed with their package version (deregisterPackageVersion), not one by one.');
  },
  contentType: (key) => (key.endsWith('.json') ? 'application/json' : 'application/x-tar'),
  multipart: {
    create: (key) => objects.createMultipartUpload(p, bucket, key),
    part: (key, uploadId, n, body, payload) => objects.uploadPart(p, bucket, key, uploadId, n, body, payload),
    complete: (key, uploadId, parts) => objects.completeMultipartUpload(p, bucket, key, uploadId, parts),
    abort: (key, uploadId) => objects.abortMultipartUpload(p, bucket, key, uploadId),
  },
});

/** Camera clips of one organization, written by a device (thing:<name>) or an access key. */
const clipsBucket = (clips: ClipService, writer: ClipWriter): Bucket => ({
  head: (key) => clips.head(writer.organizationId, key),
  get: (key, range) => clips.get(writer.organizationId, key, range),
  list: (prefix, opts) => clips.list(writer.organizationId, prefix, opts),
  put: (key, body, payload) => clips.put(writer, key, body, payload),
  remove: (key) => clips.delete(writer.organizationId, key),
  contentType: () => 'video/mp4',
  multipart: {
    create: (key) => clips.createMultipartUpload(writer, key),
    part: (key, uploadId, n, body, payload) => clips.uploadPart(writer, key, uploadId, n, body, payload),
    complete: (key, uploadId, parts) => clips.completeMultipartUpload(writer, key, uploadId, parts),
    abort: (key, uploadId) => clips.abortMultipartUpload(writer, key, uploadId),
  },
});

/**
 * An S3-compatible endpoint, path-style under /s3 (AWS_ENDPOINT_URL_S3 = <api>/s3), SigV4
 * service `s3`, for two buckets:
 * - package files (PackageObjects), with EdgeFleet's access keys: what `aws s3 cp` and `aws s3api`
 *   run for panorama-cli — HeadObject, GetObject, PutObject, the multipart upload operations and
 *   ListObjectsV2;
 * - camera clips (CLIPS_BUCKET, ClipService): devices put them with the credentials provider's
 *   temporary credentials, every request checked against their role alias's policy; access keys
 *   read, list and delete them.
 * Bodies stream in; S3's XML errors.
 */
export function registerS3Routes(fastify: FastifyInstance, objects: PackageObjects, clips: ClipService, deps: S3Deps): void {
  void fastify.register(
    async (scope) => {
      // Bodies stay streams: a file is hashed and stored as it arrives, never held in memory.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_req, body, done) => done(null, body));
      const key = (req: S3Request) => req.params['*'] ?? '';
      /** The caller's view of the bucket: a device's request allowed by its policy (on the clips bucket only); an access key's by its role. */
      const bucketOf = async (req: S3Request, writes: 0 | 1): Promise<Bucket> => {
        const thing = await authenticateSession(req, deps);
        const isClips = req.params.bucket === deps.config.CLIPS_BUCKET;
        if (thing) {
          const { action, resource } = actionOf(req);
          if (!isClips || !(await deps.grants.allows(thing, action, resource))) {
            throw new DomainError('POLICY_DENIED', `Access Denied: the role alias of these credentials does not allow ${action} on ${resource}.`);
          }
          return clipsBucket(clips, { organizationId: thing.organizationId, actor: `thing:${thing.thingName}` });
        }
        const principal = await authenticateSigned(req, 's3', deps, writes, 'header');
        return isClips ? clipsBucket(clips, { organizationId: principal.organizationId, actor: `apiKey:${principal.apiKeyId}` }) : packageBucket(objects, principal, req.params.bucket);
      };
      const handle = (writes: 0 | 1, run: (req: S3Request, reply: FastifyReply, bucket: Bucket) => Promise<unknown>) => async (req: S3Request, reply: FastifyReply) => {
        try {
          return await run(req, reply, await bucketOf(req, writes));
        } catch (err) {
          return sendError(req, reply, err, `/${req.params.bucket}/${req.params['*'] ?? ''}`);
        }
      };
      const headers = (reply: FastifyReply, b: Bucket, o: StoredObject) =>
        reply.header('etag', o.etag).header('last-modified', o.lastModified.toUTCString()).header('accept-ranges', 'bytes').header('content-type', b.contentType(o.key));

      scope.head('/:bucket/*', handle(0, async (req, reply, b) => {
        const o = await b.head(key(req));
        return headers(reply, b, o).header('content-length', String(o.sizeBytes)).code(200).send();
      }));

      scope.get(
        '/:bucket/*',
        handle(0, async (req, reply, b) => {
          const head = await b.head(key(req));
          const range = rangeOf(req.headers.range, head.sizeBytes);
          const { body } = await b.get(key(req), range);
          headers(reply, b, head).header('content-length', String(range ? range.end - range.start + 1 : head.sizeBytes));
          if (range) reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${head.sizeBytes}`);
          return reply.send(body);
        }),
      );

      scope.get(
        '/:bucket',
        handle(0, async (req, reply, b) => {
          if (req.query['list-type'] !== '2') throw new DomainError('INVALID_ARGUMENT', 'Only ListObjectsV2 (list-type=2) lists objects.');
          const prefix = req.query.prefix ?? '';
          const maxKeys = Math.min(1000, Math.max(1, Number(req.query['max-keys'] ?? 1000)));
          const after = req.query['continuation-token'] ? Buffer.from(req.query['continuation-token'], 'base64url').toString() : req.query['start-after'];
          const { objects: list, truncated } = await b.list(prefix, { after, maxKeys });
          const encode = req.query['encoding-type'] === 'url' ? encodeURIComponent : (s: string) => s;
          return reply.header('content-type', 'application/xml').send(
            document('ListBucketResult', {
              Name: req.params.bucket,
              Prefix: encode(prefix),
              KeyCount: list.length,
              MaxKeys: maxKeys,
              ...(req.query['encoding-type'] === 'url' ? { EncodingType: 'url' } : {}),
              IsTruncated: truncated,
              ...(truncated ? { NextContinuationToken: Buffer.from(list.at(-1)!.key).toString('base64url') } : {}),
              Contents: list.map((o) => ({ Key: encode(o.key), LastModified: o.lastModified.toISOString(), ETag: o.etag, Size: o.sizeBytes, StorageClass: 'STANDARD' })),
            }),
          );
        }),
      );

      scope.put(
        '/:bucket/*',
        handle(1, async (req, reply, b) => {
          const body = req.body as Readable;
          const { etag } =
            req.query.uploadId !== undefined
              ? await b.multipart.part(key(req), req.query.uploadId, Number(req.query.partNumber), body, payload(req))
              : await b.put(key(req), body, payload(req));
          return reply.code(200).header('etag', etag).send();
        }),
      );

      scope.post(
        '/:bucket/*',
        handle(1, async (req, reply, b) => {
          const bucket = req.params.bucket;
          if (req.query.uploads !== undefined) {
            const { uploadId } = await b.multipart.create(key(req));
            return reply.header('content-type', 'application/xml').send(document('InitiateMultipartUploadResult', { Bucket: bucket, Key: key(req), UploadId: uploadId }));
          }
          if (req.query.uploadId === undefined) throw new DomainError('INVALID_ARGUMENT', 'POST on an object takes ?uploads (CreateMultipartUpload) or ?uploadId= (CompleteMultipartUpload).');
          const parts = ((await readXml(req.body as Readable)).CompleteMultipartUpload?.Part ?? []) as { PartNumber?: number; ETag?: string }[];
          const { etag } = await b.multipart.complete(key(req), req.query.uploadId, parts.map((x) => ({ partNumber: Number(x.PartNumber), etag: String(x.ETag ?? '') })));
          return reply.header('content-type', 'application/xml').send(document('CompleteMultipartUploadResult', { Location: `/${bucket}/${key(req)}`, Bucket: bucket, Key: key(req), ETag: etag }));
        }),
      );

      scope.delete(
        '/:bucket/*',
        handle(1, async (req, reply, b) => {
          if (req.query.uploadId === undefined) await b.remove(key(req));
          else await b.multipart.abort(key(req), req.query.uploadId);
          return reply.code(204).send();
        }),
      );
    },
    { prefix: '/s3' },
  );
}
