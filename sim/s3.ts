import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { LoopbackServer } from './http-sim';

export interface S3Call {
  readonly method: string;
  readonly bucket: string;
  readonly key: string;
  readonly status: number;
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The body as sent: plain, or `aws-chunked` (the SDK's streaming upload with trailing checksums:
 * `<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n<trailers>\r\n\r\n`).
 */
function decodeBody(req: IncomingMessage, raw: Buffer): Buffer {
  const encoding = String(req.headers['content-encoding'] ?? '');
  const sha = String(req.headers['x-amz-content-sha256'] ?? '');
  if (!encoding.includes('aws-chunked') && !sha.startsWith('STREAMING-')) return raw;
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * A local Amazon S3 speaking the REST-XML wire protocol of the calls the evaluation tool and the DR
 * deployment function make, path-style (`/{bucket}/{key}`): PutObject, GetObject (404 NoSuchKey when
 * absent), HeadObject (with `x-amz-replication-status`; a bodiless 404 when absent, as S3 answers a HEAD) and
 * ListObjectsV2 (`GET /{bucket}?list-type=2&prefix=`), with error bodies as S3 sends them
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). Buckets spring into being
 * on first write; `objects` lets a test (or the Bedrock simulator's evaluation job) read and write directly.
 */
export class S3Sim extends LoopbackServer {
  readonly objects = new Map<string, Buffer>();
  readonly calls: S3Call[] = [];
  /**
   * `x-amz-replication-status` of objects, by `<bucket>/<key>`: what S3 reports on a source object under a
   * replication rule (https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-status.html).
   * An object not here has no status (written before the rule, or in no replicated bucket).
   */
  readonly replicationStatus = new Map<string, 'PENDING' | 'COMPLETED' | 'FAILED' | 'REPLICA'>();

  put(bucket: string, key: string, body: string | Buffer): void {
    this.objects.set(`${bucket}/${key}`, Buffer.from(body));
  }

  get(bucket: string, key: string): Buffer | undefined {
    return this.objects.get(`${bucket}/${key}`);
  }

  reset(): void {
    this.objects.clear();
    this.replicationStatus.clear();
    this.calls.length = 0;
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.handle(req, res, decodeBody(req, Buffer.concat(chunks))));
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const method = req.method ?? 'GET';
    const record = (status: number) => this.calls.push({ method, bucket, key, status });
    if (method === 'PUT' && key !== '') {
      this.put(bucket, key, body);
      record(200);
      res.writeHead(200, { etag: `"${createHash('md5').update(body).digest('hex')}"` });
      res.end();
      return;
    }
    if (method === 'HEAD' && key !== '') {
      const object = this.get(bucket, key);
      record(object === undefined ? 404 : 200);
      if (object === undefined) {
        res.writeHead(404).end();
        return;
      }
      const status = this.replicationStatus.get(`${bucket}/${key}`);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(object.length),
        etag: `"${createHash('md5').update(object).digest('hex')}"`,
        ...(status !== undefined ? { 'x-amz-replication-status': status } : {}),
      });
      res.end();
      return;
    }
    if (method === 'GET' && key !== '') {
      const object = this.get(bucket, key);
      if (object === undefined) {
        record(404);
        this.error(res, 404, 'NoSuchKey', 'The specified key does not exist.', `/${bucket}/${key}`);
        return;
      }
      record(200);
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(object.length),
        etag: `"${createHash('md5').update(object).digest('hex')}"`,
      });
      res.end(object);
      return;
    }
    if (method === 'GET' && url.searchParams.get('list-type') === '2') {
      const prefix = url.searchParams.get('prefix') ?? '';
      const keys = [...this.objects.keys()]
        .filter((k) => k.startsWith(`${bucket}/${prefix}`))
        .map((k) => k.slice(bucket.length + 1))
        .sort();
      record(200);
      res.writeHead(200, { 'content-type': 'application/xml' });
      res.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` +
          `<Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount>` +
          `<MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>` +
          keys
            .map(
              (k) =>
                `<Contents><Key>${xmlEscape(k)}</Key><Size>${this.get(bucket, k)?.length ?? 0}</Size>` +
                `<LastModified>2026-12-02T00:00:00.000Z</LastModified><StorageClass>STANDARD</StorageClass></Contents>`,
            )
            .join('') +
          `</ListBucketResult>`,
      );
      return;
    }
    record(400);
    this.error(
      res,
      400,
      'NotImplemented',
      `the S3 simulator does not implement ${method} ${url.pathname}`,
      url.pathname,
    );
  }

  private error(res: ServerResponse, status: number, code: string, message: string, resource: string): void {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(message)}</Message>` +
        `<Resource>${xmlEscape(resource)}</Resource><RequestId>sim</RequestId></Error>`,
    );
  }
}
