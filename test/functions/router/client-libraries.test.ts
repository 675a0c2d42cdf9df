import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateObject, streamText, tool } from 'ai';
import OpenAI, { APIError, BadRequestError, NotFoundError, RateLimitError } from 'openai';
import { zodFunction, zodResponseFormat } from 'openai/helpers/zod';
import { z } from 'zod';
import type { RoutingTable } from '../../../contracts/routing-table';
import type { RoutingRecord } from '../../../functions/router/routing-record';
import { Harness, TARGET, testTable } from './harness';

/**
 * The client libraries applications use (openai 6, LangChain's ChatOpenAI, the AI SDK with
 * @ai-sdk/openai-compatible), unchanged, against the router as `npm run dev` serves it: the
 * streaming handler behind a local gateway, the real Bedrock SDK against the simulator.
 */
const h = new Harness();
let gateway: { url: string; close: () => Promise<void> };
let client: OpenAI;

/** The test table with a first-token timeout of 300 ms on every route. */
function withFirstTokenTimeout(): RoutingTable {
  const table = testTable();
  for (const r of Object.values(table.routes)) r.resilience.firstTokenTimeoutMs = 300;
  return table;
}

beforeAll(() => h.start());
afterAll(() => h.stop());
// A cold-started gateway per test, with its own circuit table: no circuit a test opened reaches the next.
beforeEach(async () => {
  h.reset();
  h.setTable(withFirstTokenTimeout());
  gateway = await h.gateway();
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused-locally', maxRetries: 0 });
});
afterEach(() => gateway.close());

const hello = [{ role: 'user' as const, content: 'Hello there' }];
const haikuAnswer = `Simulated answer from ${TARGET.haiku} in us-east-1.`;
const novaLiteAnswer = `Simulated answer from ${TARGET.novaLite} in us-east-1.`;

describe('openai: listing and errors', () => {
  it('lists the routes as models with created, and retrieves one', async () => {
    const page = await client.models.list();
    const ids = page.data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['chat', 'classify', 'code']));
    for (const m of page.data) {
      expect(m).toMatchObject({ object: 'model', owned_by: 'fm-platform' });
      expect(m.created).toBeGreaterThan(1_700_000_000);
    }
    expect(await client.models.retrieve('chat')).toMatchObject({ id: 'chat', object: 'model' });
  });

  it('fails with NotFoundError and code model_not_found for an unknown model', async () => {
    const err = await client.models.retrieve('no-such-route').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found', type: 'not_found_error' });
  });

  it('answers with x-request-id, and errors name their type and param', async () => {
    const { response } = await client.chat.completions.create({ model: 'chat', messages: hello }).withResponse();
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const err = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }], temperature: 7 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'temperature' });
    expect((err as APIError).requestID).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends Retry-After with a 429 when every candidate throttles', async () => {
    h.bedrock.set('*', { failRate: 1, errorType: 'ThrottlingException' });
    const err = await client.chat.completions.create({ model: 'chat', messages: hello }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(Number((err as RateLimitError).headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('sends Retry-After with the time the open circuits have left', async () => {
    // Threshold 3, cooldown 1 s in the test table: enough failures open every candidate's circuit.
    const table = withFirstTokenTimeout();
    for (const r of Object.values(table.routes)) r.resilience.circuitBreaker.cooldownSeconds = 30;
    h.setTable(table);
    h.bedrock.set('*', { failRate: 1, errorType: 'ServiceUnavailableException' });
    let last: unknown;
    for (let i = 0; i < 4; i++)
      last = await client.chat.completions.create({ model: 'chat', messages: hello }).catch((e: unknown) => e);
    expect(last).toMatchObject({ status: 503, code: 'all_candidates_failed' });
    const seconds = Number((last as APIError).headers?.get('retry-after'));
    expect(seconds).toBeGreaterThan(20);
    expect(seconds).toBeLessThanOrEqual(30);
  });

  it.each([
    ['model_context_window_exceeded', 'length'],
    ['max_tokens', 'length'],
    ['guardrail_intervened', 'content_filter'],
    ['tool_use', 'stop'],
    ['end_turn', 'stop'],
  ])('maps stopReason %s to finish_reason %s', async (stopReason, finish) => {
    h.bedrock.set(TARGET.haiku, { stopReason });
    const res = await client.chat.completions.create({ model: 'chat', messages: hello });
    expect(res.choices[0].finish_reason).toBe(finish);
  });
});

/** Reads an openai chat stream: its text, chunks and the extra router chunks. */
async function readStream(
  stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>,
): Promise<{ text: string; usage?: OpenAI.CompletionUsage | null; routing?: RoutingRecord; finish: string[] }> {
  let text = '';
  let usage: OpenAI.CompletionUsage | null | undefined;
  let routing: RoutingRecord | undefined;
  const finish: string[] = [];
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      text += c.delta.content ?? '';
      if (c.finish_reason) finish.push(c.finish_reason);
    }
    if (chunk.usage) usage = chunk.usage;
    const extra = chunk as { routing?: RoutingRecord };
    if (extra.routing) routing = extra.routing;
  }
  return { text, usage, routing, finish };
}

describe('openai: streaming', () => {
  it('streams the answer in chunks, with usage and the routing record last', async () => {
    h.bedrock.set(TARGET.haiku, { chunkDelayMs: 2 });
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const got = await readStream(stream);
    expect(got.text).toBe(haikuAnswer);
    expect(got.finish).toEqual(['stop']);
    expect(got.usage?.total_tokens).toBe((got.usage?.prompt_tokens ?? 0) + (got.usage?.completion_tokens ?? 0));
    expect(got.routing).toMatchObject({ route: 'chat', model: 'claude-haiku-4-5' });
    expect(h.bedrock.calls.map((c) => c.target)).toEqual([TARGET.haiku]);
  });

  it('fails over to the next candidate when the first stays silent past the first-token timeout', async () => {
    h.bedrock.set(TARGET.haiku, { firstTokenDelayMs: 1500 });
    const started = Date.now();
    const got = await readStream(
      await client.chat.completions.create({ model: 'chat', messages: hello, stream: true }),
    );
    expect(got.text).toBe(novaLiteAnswer);
    expect(got.routing?.model).toBe('nova-lite');
    expect(got.routing?.attempts[0]).toMatchObject({ model: 'claude-haiku-4-5', errorKind: 'timeout' });
    // One abandoned haiku attempt per Region at 300 ms each, not the stall.
    expect(Date.now() - started).toBeLessThan(1500 * 2);
  });

  it('fails over when the first candidate throttles before its first token', async () => {
    h.bedrock.set(TARGET.haiku, { failRate: 1, errorType: 'ThrottlingException' });
    const got = await readStream(
      await client.chat.completions.create({ model: 'chat', messages: hello, stream: true }),
    );
    expect(got.text).toBe(novaLiteAnswer);
  });

  it('ends a stream that breaks after its first chunks with an error event the client raises', async () => {
    h.bedrock.set(TARGET.haiku, { failAfterChunks: 2 });
    const stream = await client.chat.completions.create({ model: 'chat', messages: hello, stream: true });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('Simulated answer ');
    expect(err).toBeInstanceOf(APIError);
    expect(err).toMatchObject({ code: 'model_stream_failed', type: 'server_error' });
    const log = h.logs.find((l) => l.message === 'request');
    expect(log).toMatchObject({ status: 502, errorCode: 'model_stream_failed', model: 'claude-haiku-4-5' });
  });

  it('answers a request no candidate can stream with a whole JSON error and its status', async () => {
    h.bedrock.set('*', { failRate: 1, errorType: 'ServiceUnavailableException' });
    const err = await client.chat.completions
      .create({ model: 'chat', messages: hello, stream: true })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'all_candidates_failed' });
  });
});

describe('LangChain ChatOpenAI', () => {
  const model = (): ChatOpenAI =>
    new ChatOpenAI({
      model: 'chat',
      apiKey: 'unused-locally',
      configuration: { baseURL: `${gateway.url}/v1` },
      maxRetries: 0,
    });

  it('streams the answer', async () => {
    let text = '';
    for await (const chunk of await model().stream('Hello there')) text += chunk.text;
    expect(text).toBe(haikuAnswer);
  });

  it('streams from the next candidate when the first stalls before its first token', async () => {
    h.bedrock.set(TARGET.haiku, { firstTokenDelayMs: 1500 });
    let text = '';
    for await (const chunk of await model().stream('Hello there')) text += chunk.text;
    expect(text).toBe(novaLiteAnswer);
  });

  it('raises the error event of a stream that breaks mid-way', async () => {
    h.bedrock.set(TARGET.haiku, { failAfterChunks: 3 });
    const err = await (async () => {
      for await (const chunk of await model().stream('Hello there')) void chunk;
    })().catch((e: unknown) => e);
    expect(String(err)).toContain("the model's stream failed after it began (model-error: ModelStreamErrorException)");
  });
});

describe('AI SDK streamText with @ai-sdk/openai-compatible', () => {
  const provider = () => createOpenAICompatible({ name: 'fm', baseURL: `${gateway.url}/v1`, includeUsage: true });

  it('streams the text and reports usage', async () => {
    const result = streamText({ model: provider()('chat'), prompt: 'Hello there', maxRetries: 0 });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text).toBe(haikuAnswer);
    expect((await result.usage).totalTokens).toBeGreaterThan(0);
    expect(await result.finishReason).toBe('stop');
  });

  it('streams from the next candidate when the first stalls before its first token', async () => {
    h.bedrock.set(TARGET.haiku, { firstTokenDelayMs: 1500 });
    const result = streamText({ model: provider()('chat'), prompt: 'Hello there', maxRetries: 0 });
    let text = '';
    for await (const part of result.textStream) text += part;
    expect(text).toBe(novaLiteAnswer);
  });

  it('yields an error part when the stream breaks mid-way', async () => {
    h.bedrock.set(TARGET.haiku, { failAfterChunks: 2 });
    const errors: unknown[] = [];
    const result = streamText({
      model: provider()('chat'),
      prompt: 'Hello there',
      maxRetries: 0,
      onError: ({ error }) => {
        errors.push(error);
      },
    });
    let text = '';
    for await (const part of result.fullStream) if (part.type === 'text-delta') text += part.text;
    expect(text).toBe('Simulated answer ');
    expect(JSON.stringify(errors)).toContain('model_stream_failed');
  });
});

describe('openai: tools', () => {
  const tools: OpenAI.Chat.Completions.ChatCompletionTool[] = [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'The weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    },
  ];
  const forced = { type: 'function', function: { name: 'get_weather' } } as const;
  const ask: OpenAI.Chat.Completions.ChatCompletionMessageParam = { role: 'user', content: 'Weather in Paris?' };

  it('round-trips a forced tool call: tool_calls with content null, then the tool result back', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris' } });
    const first = await client.chat.completions.create({ model: 'chat', messages: [ask], tools, tool_choice: forced });
    const message = first.choices[0].message;
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(message.content).toBeNull();
    expect(message.tool_calls).toHaveLength(1);
    const call = message.tool_calls?.[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: 'get_weather', arguments: '{"city":"Paris"}' });
    const second = await client.chat.completions.create({
      model: 'chat',
      tools,
      messages: [ask, message, { role: 'tool', tool_call_id: call.id, content: '18 degrees, sunny' }],
    });
    expect(second.choices[0].finish_reason).toBe('stop');
    // The simulated model echoes the toolResult block it was sent: the id and text made it to Converse.
    expect(second.choices[0].message.content).toBe(
      `Tool result received: ${JSON.stringify({ toolResult: { toolUseId: call.id, content: [{ text: '18 degrees, sunny' }] } })}`,
    );
  });

  it('streams a tool call as tool_calls deltas', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris' } });
    const stream = await client.chat.completions.create({
      model: 'chat',
      messages: [ask],
      tools,
      tool_choice: forced,
      stream: true,
    });
    let name = '';
    let args = '';
    const finish: string[] = [];
    for await (const chunk of stream)
      for (const c of chunk.choices) {
        for (const t of c.delta.tool_calls ?? []) {
          name += t.function?.name ?? '';
          args += t.function?.arguments ?? '';
        }
        if (c.finish_reason) finish.push(c.finish_reason);
      }
    expect(name).toBe('get_weather');
    expect(JSON.parse(args)).toEqual({ city: 'Paris' });
    expect(finish).toEqual(['tool_calls']);
  });

  it('skips the candidates whose catalog capabilities lack tool use', async () => {
    const table = withFirstTokenTimeout();
    table.models['claude-haiku-4-5'].toolUse = false;
    h.setTable(table);
    const res = await client.chat.completions.create({ model: 'chat', messages: [ask], tools, tool_choice: forced });
    expect((res as unknown as { routing: RoutingRecord }).routing).toMatchObject({
      model: 'nova-lite',
      skipped: [{ model: 'claude-haiku-4-5', reason: 'no tool use' }],
    });
  });
});

describe('openai: structured output', () => {
  const Place = z.object({ city: z.string(), population: z.number() });

  it('parses an answer of the schema with chat.completions.parse and a zod schema', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris', population: 2100000 } });
    const res = await client.chat.completions.parse({
      model: 'chat',
      messages: [{ role: 'user', content: 'The capital of France, as JSON' }],
      response_format: zodResponseFormat(Place, 'place'),
    });
    expect(res.choices[0].message.parsed).toEqual({ city: 'Paris', population: 2100000 });
    expect(res.choices[0].finish_reason).toBe('stop');
  });

  it('moves to the next candidate when an answer fails the schema', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris', population: 'many' } });
    const res = await client.chat.completions.parse({
      model: 'chat',
      messages: [{ role: 'user', content: 'The capital of France, as JSON' }],
      response_format: zodResponseFormat(Place, 'place'),
    });
    // nova-lite answers the simulator's sample of the schema.
    expect(res.choices[0].message.parsed).toEqual({ city: 'sample', population: 1 });
    const routing = (res as unknown as { routing: RoutingRecord }).routing;
    expect(routing.model).toBe('nova-lite');
    expect(routing.attempts[0]).toMatchObject({ model: 'claude-haiku-4-5', errorKind: 'model-error' });
  });

  it('streams a structured answer that the stream helper parses', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris', population: 2100000 } });
    const stream = client.chat.completions.stream({
      model: 'chat',
      messages: [{ role: 'user', content: 'The capital of France, as JSON' }],
      response_format: zodResponseFormat(Place, 'place'),
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.parsed).toEqual({ city: 'Paris', population: 2100000 });
  });
});

describe('openai: strict tools', () => {
  // zodFunction sends `strict: true` and parses the arguments on the client, as runTools does.
  const weather = zodFunction({ name: 'get_weather', parameters: z.object({ city: z.string() }) });
  const parsedArguments = (res: OpenAI.Chat.Completions.ChatCompletion): unknown =>
    (res.choices[0].message.tool_calls?.[0] as { function: { parsed_arguments?: unknown } } | undefined)?.function
      .parsed_arguments;
  const request = {
    model: 'chat',
    messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
    tools: [weather],
    tool_choice: { type: 'function' as const, function: { name: 'get_weather' } },
  };

  it('sends strict: true, and serves a call whose arguments match the parameters', async () => {
    expect(weather.function.strict).toBe(true);
    h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris' } });
    const res = await client.chat.completions.parse(request);
    expect(parsedArguments(res)).toEqual({ city: 'Paris' });
  });

  it('moves to the next candidate when a strict call breaks the parameters, never handing it to the client', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { town: 'Paris' } });
    const res = await client.chat.completions.parse(request);
    // nova-lite answers the simulator's sample of the schema.
    expect(parsedArguments(res)).toEqual({ city: 'sample' });
    const routing = (res as unknown as { routing: RoutingRecord }).routing;
    expect(routing.model).toBe('nova-lite');
    expect(routing.attempts[0]).toMatchObject({ model: 'claude-haiku-4-5', errorKind: 'model-error' });
  });

  it('checks a streamed strict call whole, then streams it', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { town: 'Paris' } });
    const stream = client.chat.completions.stream(request);
    const final = await stream.finalChatCompletion();
    expect(parsedArguments(final)).toEqual({ city: 'sample' });
  });
});

describe('LangChain and the AI SDK: tools and structured output', () => {
  const Place = z.object({ city: z.string(), population: z.number() });
  const paris = { city: 'Paris', population: 2100000 };

  it('LangChain withStructuredOutput parses the answer', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: paris });
    const model = new ChatOpenAI({
      model: 'chat',
      apiKey: 'unused-locally',
      configuration: { baseURL: `${gateway.url}/v1` },
      maxRetries: 0,
    });
    expect(await model.withStructuredOutput(Place).invoke('The capital of France')).toEqual(paris);
  });

  it('LangChain bindTools gets the tool call', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris' } });
    const model = new ChatOpenAI({
      model: 'chat',
      apiKey: 'unused-locally',
      configuration: { baseURL: `${gateway.url}/v1` },
      maxRetries: 0,
    });
    const tool = {
      type: 'function' as const,
      function: {
        name: 'get_weather',
        description: 'The weather of a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
    };
    const answer = await model.bindTools([tool], { tool_choice: 'get_weather' }).invoke('Weather in Paris?');
    expect(answer.tool_calls).toEqual([expect.objectContaining({ name: 'get_weather', args: { city: 'Paris' } })]);
  });

  it('AI SDK generateObject parses the answer', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: paris });
    const provider = createOpenAICompatible({
      name: 'fm',
      baseURL: `${gateway.url}/v1`,
      supportsStructuredOutputs: true,
    });
    const { object } = await generateObject({
      model: provider('chat'),
      schema: Place,
      prompt: 'The capital of France',
      maxRetries: 0,
    });
    expect(object).toEqual(paris);
  });

  it('AI SDK streamText with a forced tool streams the tool call', async () => {
    h.bedrock.set(TARGET.haiku, { toolInput: { city: 'Paris' } });
    const provider = createOpenAICompatible({ name: 'fm', baseURL: `${gateway.url}/v1` });
    const result = streamText({
      model: provider('chat'),
      prompt: 'Weather in Paris?',
      tools: {
        get_weather: tool({ description: 'The weather of a city', inputSchema: z.object({ city: z.string() }) }),
      },
      toolChoice: { type: 'tool', toolName: 'get_weather' },
      maxRetries: 0,
    });
    const calls = await result.toolCalls;
    expect(calls.map((c) => [c.toolName, c.input])).toEqual([['get_weather', { city: 'Paris' }]]);
    expect(await result.finishReason).toBe('tool-calls');
  });
});
