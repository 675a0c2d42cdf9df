import { Harness, TARGET, testTable } from './harness';

/*
 * The support route's SageMaker model streamed through the local gateway: the real SageMaker
 * Runtime client calls InvokeEndpointWithResponseStream on the loopback simulator, which answers
 * LMI's JSON lines in PayloadPart events of the event-stream encoding (CRCs included), each line cut
 * across two parts.
 */
const h = new Harness();
let gateway: { url: string; close: () => Promise<void> };
const MODEL = 'llama-3-8b-support-lora';

/** The prod table with the support model streaming (its catalog capability) unless told otherwise. */
function useTable(streaming: boolean): void {
  const table = testTable();
  table.models[MODEL].streaming = streaming;
  for (const r of Object.values(table.routes)) r.resilience.firstTokenTimeoutMs = 300;
  h.setTable(table);
}

beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(async () => {
  h.reset();
  useTable(true);
  gateway = await h.gateway();
});
afterEach(() => gateway.close());

type Line = Record<string, unknown>;

async function converseStream(body: unknown): Promise<{ status: number; lines: Line[] }> {
  const res = await fetch(`${gateway.url}/v1/routes/support/converse-stream`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    lines: text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Line),
  };
}

const ask = { messages: [{ role: 'user', content: [{ text: 'Where is my invoice?' }] }] };
const deltas = (lines: Line[]) =>
  lines.flatMap((l) => {
    const text = (l.contentBlockDelta as { delta?: { text?: string } } | undefined)?.delta?.text;
    return text === undefined ? [] : [text];
  });
const routingOf = (lines: Line[]) =>
  lines[lines.length - 1].routing as {
    model: string;
    region: string;
    attempts: { model: string; region: string; errorKind?: string }[];
  };
const streamCalls = () =>
  h.sagemaker.calls.map((c) => `${c.target} ${String(c.headers['x-amzn-sagemaker-accept'] ?? '')} ${c.status}`);

describe('SageMaker InvokeEndpointWithResponseStream', () => {
  it('streams a model whose catalog says it streams, token by token, with LMI stream: true', async () => {
    const got = await converseStream(ask);
    expect(got.status).toBe(200);
    const text = `Simulated answer from ${TARGET.supportEndpoint} (support-tone) in us-east-1.`;
    // One delta per token line, though every line reached the router in two PayloadParts.
    expect(deltas(got.lines)).toEqual(text.match(/\S+\s*/g));
    expect(got.lines.map((l) => Object.keys(l)[0]).slice(-4)).toEqual([
      'contentBlockStop',
      'messageStop',
      'metadata',
      'routing',
    ]);
    expect(got.lines.find((l) => 'messageStop' in l)).toEqual({ messageStop: { stopReason: 'end_turn' } });
    const usage = (got.lines.find((l) => 'metadata' in l)?.metadata as { usage: { outputTokens: number } }).usage;
    expect(usage.outputTokens).toBe(deltas(got.lines).length);
    expect(routingOf(got.lines)).toMatchObject({ model: MODEL });
    expect(streamCalls()).toEqual([`${TARGET.supportEndpoint} application/jsonlines 200`]);
  });

  it("maps LMI's finish_reason length to max_tokens", async () => {
    h.sagemaker.set(TARGET.supportEndpoint, { stopReason: 'max_tokens' });
    const got = await converseStream(ask);
    expect(got.lines.find((l) => 'messageStop' in l)).toEqual({ messageStop: { stopReason: 'max_tokens' } });
  });

  it('answers whole, as one chunk, from a model whose catalog says it does not stream (plain InvokeEndpoint)', async () => {
    useTable(false);
    const got = await converseStream(ask);
    expect(deltas(got.lines)).toEqual([`Simulated answer from ${TARGET.supportEndpoint} (support-tone) in us-east-1.`]);
    expect(streamCalls()).toEqual([`${TARGET.supportEndpoint}  200`]);
  });

  it("fails over before the first token: a ModelStreamError there, or a first-token stall, goes to the next target (prod's DR endpoint)", async () => {
    h.sagemaker.set(TARGET.supportEndpoint, { failAfterChunks: 0 });
    const failed = await converseStream(ask);
    expect(failed.status).toBe(200);
    expect(routingOf(failed.lines)).toMatchObject({ model: MODEL, region: 'us-west-2' });
    expect(routingOf(failed.lines).attempts[0]).toMatchObject({
      model: MODEL,
      region: 'us-east-1',
      errorKind: 'model-error',
    });
    expect(failed.lines.some((l) => 'modelStreamErrorException' in l)).toBe(false);
    expect(deltas(failed.lines).join('')).toBe(
      `Simulated answer from ${TARGET.supportDrEndpoint} (support-tone) in us-west-2.`,
    );

    h.reset();
    useTable(true);
    h.sagemaker.set(TARGET.supportEndpoint, { firstTokenDelayMs: 1000 });
    const stalled = await converseStream(ask);
    expect(routingOf(stalled.lines)).toMatchObject({ model: MODEL, region: 'us-west-2' });
    expect(routingOf(stalled.lines).attempts[0]).toMatchObject({ region: 'us-east-1', errorKind: 'timeout' });
  });

  it('ends a stream that breaks after its first token with an error event, never a silent truncation', async () => {
    h.sagemaker.set(TARGET.supportEndpoint, { failAfterChunks: 2 });
    const got = await converseStream(ask);
    expect(got.lines.map((l) => Object.keys(l)[0])).toEqual([
      'messageStart',
      'contentBlockDelta',
      'contentBlockDelta',
      'modelStreamErrorException',
      'routing',
    ]);
    expect(routingOf(got.lines)).toMatchObject({ model: MODEL });
  });
});
