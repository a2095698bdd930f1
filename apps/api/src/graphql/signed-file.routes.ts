import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ByteRange, UrlSigner } from '@edgefleet/artifacts';
import { DomainError } from '@edgefleet/domain';

type Signed = FastifyRequest<{ Params: { id: string }; Querystring: { expires?: string; signature?: string } }>;

const STATUS: Record<string, number> = { NOT_FOUND: 404, CONFLICT: 409, VALIDATION_FAILED: 400 };

/** Files moved over signed URLs: where they go up and come down, and the use case that stores and finds them. */
export interface SignedFiles {
  /** Fastify routes with an `:id` parameter: the upload's id, the download's SHA-256 (or, for clips, the clip's id). */
  downloadRoute: string;
  downloadPath: (id: string) => string;
  signer: UrlSigner;
  blob: (id: string) => Promise<{ size: number; open: (range?: ByteRange) => Readable } | undefined>;
  /** What the download is served as (application/octet-stream unless said). */
  contentType?: string;
  /** Files that are uploaded this way too (clips come in through the S3-compatible endpoint). */
  upload?: { route: string; path: (id: string) => string; receive: (id: string, body: Readable, declaredLength?: number) => Promise<object> };
}

/**
 * File transfer over plain HTTP with signed URLs (no API key: the signature is the authorization):
 * PUT an upload once; GET a download with Range support, so an interrupted download resumes.
 * Software images and package assets both go this way.
 */
export function registerSignedFileRoutes(fastify: FastifyInstance, kinds: SignedFiles[]): void {
  // The body stays a stream: the upload is hashed and written to disk as it arrives.
  fastify.addContentTypeParser('application/octet-stream', (_req, _payload, done) => done(null));
  for (const files of kinds) registerKind(fastify, files);
}

function registerKind(fastify: FastifyInstance, files: SignedFiles): void {
  const upload = files.upload;
  if (upload) fastify.put(upload.route, { bodyLimit: Number.MAX_SAFE_INTEGER }, async (req: Signed, reply: FastifyReply) => {
    const refusal = files.signer.refusal('PUT', upload.path(req.params.id), req.query);
    if (refusal) return reply.code(403).send({ code: 'FORBIDDEN', message: refusal });
    if (req.headers['content-type'] !== 'application/octet-stream') {
      return reply.code(415).send({ code: 'VALIDATION_FAILED', message: 'Send the file as Content-Type: application/octet-stream.' });
    }
    const length = req.headers['content-length'] ? Number(req.headers['content-length']) : undefined;
    try {
      return reply.code(200).send(await upload.receive(req.params.id, req.raw, length));
    } catch (err) {
      if (err instanceof DomainError) return reply.code(STATUS[err.code] ?? 400).send({ code: err.code, reason: err.reason, message: err.message });
      throw err;
    }
  });

  fastify.get(files.downloadRoute, async (req: Signed, reply: FastifyReply) => {
    const refusal = files.signer.refusal('GET', files.downloadPath(req.params.id), req.query);
    if (refusal) return reply.code(403).send({ code: 'FORBIDDEN', message: refusal });
    const blob = await files.blob(req.params.id);
    if (!blob) return reply.code(404).send({ code: 'NOT_FOUND', message: 'No such file.' });
    reply.header('accept-ranges', 'bytes').header('content-type', files.contentType ?? 'application/octet-stream').header('etag', `"${req.params.id}"`);
    const range = parseRange(req.headers.range, blob.size);
    if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${blob.size}`).send();
    if (!range) return reply.code(200).header('content-length', blob.size).send(blob.open());
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${blob.size}`)
      .header('content-length', range.end - range.start + 1)
      .send(blob.open(range));
  });
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range; anything else serves the whole file. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}
