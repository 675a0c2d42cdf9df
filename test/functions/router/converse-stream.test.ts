import { Harness, TARGET, testTable } from './harness';

/** POST /v1/routes/{route}/converse-stream through the local gateway: JSON lines of Converse stream events. */
const h = new Harness();
let gateway: { url: string; close: () => Promise<void> };
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(async () => {
  h.reset();
  const table = testTable();
  for (const r of Object.values(table.routes)) r.resilience.firstTokenTimeoutMs = 300;
  h.setTable(table);
  gateway = await h.gateway();
});
afterEach(() => gateway.close());

async function converseStream(
  route: string,
  body: unknown,
): Promise<{ status: number; type: string | null; lines: Record<string, unknown>[] }> {
  const res = await fetch(`${gateway.url}/v1/routes/${route}/converse-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    lines: text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const hello = { messages: [{ role: 'user', content: [{ text: 'Is this spam?' }] }] };

describe('POST /v1/routes/{route}/converse-stream', () => {
  it('streams the Converse events as JSON lines, the routing record last', async () => {
    const got = await converseStream('classify', hello);
    expect(got.status).toBe(200);
    expect(got.type).toBe('application/x-ndjson');
    const kinds = got.lines.map((l) => Object.keys(l)[0]);
    expect(kinds[0]).toBe('messageStart');
    expect(kinds.slice(-4)).toEqual(['contentBlockStop', 'messageStop', 'metadata', 'routing']);
    const text = got.lines
      .map((l) => (l.contentBlockDelta as { delta?: { text?: string } } | undefined)?.delta?.text ?? '')
      .join('');
    expect(text).toBe(`Simulated answer from ${TARGET.haiku} in us-east-1.`);
    expect(got.lines[got.lines.length - 1]).toMatchObject({
      routing: { route: 'classify', model: 'claude-haiku-4-5' },
    });
    // Logs and metrics as for a whole answer: tokens from the stream's metadata event, and the cost.
    const usage = (got.lines.find((l) => 'metadata' in l)?.metadata as { usage: { outputTokens: number } }).usage;
    expect(h.logs.find((l) => l.message === 'request')).toMatchObject({
      status: 200,
      model: 'claude-haiku-4-5',
      outputTokens: usage.outputTokens,
      estimatedCostUsd: expect.any(Number) as unknown,
    });
    expect(h.logs.find((l) => '_aws' in l)).toMatchObject({ OutputTokens: usage.outputTokens, Requests: 1 });
  });

  it('ends a stream that breaks after its first token with a modelStreamErrorException line, then the routing record', async () => {
    h.bedrock.set(TARGET.haiku, { failAfterChunks: 1 });
    const got = await converseStream('classify', hello);
    expect(got.status).toBe(200);
    const kinds = got.lines.map((l) => Object.keys(l)[0]);
    expect(kinds).toEqual(['messageStart', 'contentBlockDelta', 'modelStreamErrorException', 'routing']);
    expect(got.lines[2]).toMatchObject({ modelStreamErrorException: { code: 'model_stream_failed' } });
    expect(got.lines[3]).toMatchObject({
      routing: { attempts: [{ model: 'claude-haiku-4-5', errorKind: 'model-error' }] },
    });
  });

  it('fails over before the first token when the model fails there', async () => {
    h.bedrock.set(TARGET.haiku, { failAfterChunks: 0 });
    const got = await converseStream('classify', hello);
    const routing = got.lines[got.lines.length - 1].routing as { model: string; attempts: { model: string }[] };
    expect(routing.model).not.toBe('claude-haiku-4-5');
    expect(routing.attempts[0].model).toBe('claude-haiku-4-5');
  });

  it('answers bad input with a whole 400 JSON error', async () => {
    const got = await converseStream('classify', { messages: [{ role: 'robot', content: [{ text: 'x' }] }] });
    expect(got.status).toBe(400);
    expect(got.lines[0]).toMatchObject({ error: { param: 'messages[0].role', type: 'invalid_request_error' } });
  });
});

describe('a stream after its first token', () => {
  it('ends with an error line when the model goes quiet past the attempt timeout', async () => {
    const table = testTable();
    for (const r of Object.values(table.routes)) {
      r.resilience.attemptTimeoutMs = 300;
      r.resilience.firstTokenTimeoutMs = 1000;
    }
    h.setTable(table);
    h.bedrock.set(TARGET.haiku, { chunkDelayMs: 900 });
    const got = await converseStream('classify', hello);
    const kinds = got.lines.map((l) => Object.keys(l)[0]);
    expect(kinds).toEqual(['messageStart', 'contentBlockDelta', 'modelStreamErrorException', 'routing']);
    expect(JSON.stringify(got.lines[2])).toContain('timeout: StreamIdleError');
    expect(got.lines[3]).toMatchObject({
      routing: { attempts: [{ model: 'claude-haiku-4-5', errorKind: 'timeout' }] },
    });
  });

  it('stops reading the model when the caller goes away, and logs it as the client closing', async () => {
    h.bedrock.set(TARGET.haiku, { chunkDelayMs: 100 });
    const abort = new AbortController();
    const res = await fetch(`${gateway.url}/v1/routes/classify/converse-stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hello),
      signal: abort.signal,
    });
    const reader = res.body?.getReader();
    await reader?.read();
    abort.abort();
    for (let i = 0; i < 50 && !h.logs.some((l) => l.message === 'request'); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(h.logs.find((l) => l.message === 'request')).toMatchObject({ status: 499, errorCode: 'client_closed' });
  });
});
