import { GetObjectCommand, ListObjectsV2Command, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { S3Sim } from '../../sim/s3';

const sim = new S3Sim();
let s3: S3Client;

beforeAll(async () => {
  s3 = new S3Client({
    region: 'us-east-1',
    endpoint: await sim.listen(),
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  s3.destroy();
  await sim.close();
});
beforeEach(() => sim.reset());

describe('S3Sim', () => {
  it('stores what PutObject sends (checksummed uploads included) and GetObject returns it byte for byte', async () => {
    const body = '{"prompt": "é"}\n{"prompt": "b"}\n';
    await s3.send(new PutObjectCommand({ Bucket: 'fm-eval', Key: 'input/a b.jsonl', Body: body }));
    expect(sim.get('fm-eval', 'input/a b.jsonl')?.toString('utf8')).toBe(body);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'fm-eval', Key: 'input/a b.jsonl' }));
    expect(await got.Body?.transformToString('utf8')).toBe(body);
  });

  it('lists the keys under a prefix with ListObjectsV2', async () => {
    for (const key of ['out/job/a_output.jsonl', 'out/job/b_output.jsonl', 'in/x.jsonl']) sim.put('fm-eval', key, 'x');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'fm-eval', Prefix: 'out/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['out/job/a_output.jsonl', 'out/job/b_output.jsonl']);
    expect(listed.KeyCount).toBe(2);
  });

  it('answers a missing key with NoSuchKey (404), as S3 does', async () => {
    const err = await s3.send(new GetObjectCommand({ Bucket: 'fm-eval', Key: 'nope' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSuchKey);
    expect(sim.calls).toEqual([{ method: 'GET', bucket: 'fm-eval', key: 'nope', status: 404 }]);
  });
});
