import { PassThrough, type Writable } from 'node:stream';
import { ROUTER_ENV } from '../../../contracts/router-env';
import { streamingHandler } from '../../../functions/router/index';
import {
  PRELUDE_CONTENT_TYPE,
  lambdaStreamingHandler,
  type HttpPrelude,
  type LambdaStreamingRuntime,
} from '../../../functions/router/lambda-stream';
import { Harness, TARGET, post } from './harness';

const h = new Harness();
beforeAll(async () => {
  await h.start();
  await h.router();
  process.env[ROUTER_ENV.circuitTable] = h.lastCircuitTable;
});
afterAll(() => h.stop());
beforeEach(() => h.reset());

/** What a Lambda response stream received: the content type set, the prelude and the body after the 8 NUL bytes. */
async function drain(
  run: (stream: Writable) => Promise<void>,
): Promise<{ type?: string; prelude: HttpPrelude; body: string }> {
  const stream = new PassThrough() as PassThrough & { setContentType?: (t: string) => void };
  let type: string | undefined;
  stream.setContentType = (t) => {
    type = t;
  };
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  const ended = new Promise<void>((resolve) => stream.on('end', resolve));
  await run(stream);
  await ended;
  const all = Buffer.concat(chunks);
  const cut = all.indexOf(Buffer.alloc(8));
  return {
    type,
    prelude: JSON.parse(all.subarray(0, cut).toString('utf8')) as HttpPrelude,
    body: all.subarray(cut + 8).toString('utf8'),
  };
}

const chat = (stream: boolean) =>
  post('/v1/chat/completions', { model: 'chat', stream, messages: [{ role: 'user', content: 'Hello' }] });

describe('index.streamingHandler', () => {
  it('streams chat completions behind the HTTP integration prelude (status and headers, then 8 NUL bytes)', async () => {
    const got = await drain((s) => streamingHandler(chat(true), s));
    expect(got.type).toBe(PRELUDE_CONTENT_TYPE);
    expect(got.prelude).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-fm-model': 'claude-haiku-4-5' },
    });
    expect(got.body).toContain(`"content":"Simulated "`);
    expect(got.body.endsWith('data: [DONE]\n\n')).toBe(true);
    expect(h.bedrockCalls()).toEqual([`${TARGET.haiku}@us-east-1 200`]);
  });

  it('reads a function URL event (payload 2.0: requestContext.http.method and rawPath)', async () => {
    const got = await drain((s) =>
      streamingHandler(
        {
          rawPath: '/v1/routes/classify/converse-stream',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'spam?' }] }] }),
          isBase64Encoded: false,
          requestContext: { requestId: 'url-req-1', http: { method: 'POST' } },
        },
        s,
      ),
    );
    expect(got.prelude).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/x-ndjson', 'x-request-id': 'url-req-1' },
    });
    expect(got.body.trim().split('\n').pop()).toContain('"routing"');
  });

  it('answers a whole request through the same entry, in one piece', async () => {
    const got = await drain((s) => streamingHandler(chat(false), s));
    expect(got.prelude.statusCode).toBe(200);
    expect(JSON.parse(got.body)).toMatchObject({ object: 'chat.completion', model: 'claude-haiku-4-5' });
  });

  it('answers an error before the first token with its status in the prelude', async () => {
    const got = await drain((s) => streamingHandler(post('/v1/routes/nope/converse-stream', { messages: [] }), s));
    expect(got.prelude.statusCode).toBe(400);
    expect(JSON.parse(got.body)).toMatchObject({ error: { param: 'messages', type: 'invalid_request_error' } });
  });

  it('is wrapped by the runtime streamifyResponse and writes through HttpResponseStream.from where Lambda provides them', async () => {
    const preludes: HttpPrelude[] = [];
    let wrapped = 0;
    const runtime: LambdaStreamingRuntime = {
      streamifyResponse: (fn) => {
        wrapped++;
        return fn;
      },
      HttpResponseStream: {
        from: (stream, prelude) => {
          preludes.push(prelude);
          return stream;
        },
      },
    };
    const entry = lambdaStreamingHandler(
      () => (_event, sink) => {
        sink.start(201, { 'x-a': 'b' });
        sink.write('hi');
        sink.end();
        return Promise.resolve();
      },
      runtime,
    );
    expect(wrapped).toBe(1);
    const out = new PassThrough();
    let body = '';
    out.on('data', (c: Buffer) => (body += c.toString()));
    await entry(chat(true), out);
    expect(preludes).toEqual([{ statusCode: 201, headers: { 'x-a': 'b' } }]);
    expect(body).toBe('hi');
  });
});
