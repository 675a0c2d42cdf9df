import fc from 'fast-check';
import { BadRequestError, ModelOutputError } from '../../../functions/router/errors';
import { chatCompletionRequest, chatCompletionResponse } from '../../../functions/router/openai';
import { invalidRequest, refusal, type Refusal } from './refusal';

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');
const hello = { model: 'chat', messages: [{ role: 'user', content: 'hi' }] };
const refused = (body: unknown) => refusal(() => chatCompletionRequest(body));
const unsupported = (message: string): Refusal => ({ status: 400, code: 'unsupported_parameter', message });

describe('chatCompletionRequest', () => {
  it('takes the route from model and turns a realistic client body into the router request', () => {
    const { routeId, request } = chatCompletionRequest({
      model: 'chat',
      messages: [
        { role: 'system', content: 'You are a helpful assistant.' },
        { role: 'user', content: 'Hello! Can you help me plan a trip?' },
        { role: 'assistant', content: 'Of course. Where to?' },
        { role: 'user', content: [{ type: 'text', text: 'Somewhere warm in winter.' }] },
      ],
      max_tokens: 256,
      temperature: 0.7,
      top_p: 0.9,
      stop: ['\n\n'],
      user: 'user-123',
      stream: false,
      n: 1,
      metadata: { taskType: 'planning' },
    });
    expect(routeId).toBe('chat');
    expect(request).toEqual({
      messages: [
        { role: 'user', content: [{ text: 'Hello! Can you help me plan a trip?' }] },
        { role: 'assistant', content: [{ text: 'Of course. Where to?' }] },
        { role: 'user', content: [{ text: 'Somewhere warm in winter.' }] },
      ],
      system: [{ text: 'You are a helpful assistant.' }],
      inferenceConfig: { maxTokens: 256, temperature: 0.7, topP: 0.9, stopSequences: ['\n\n'] },
      metadata: { taskType: 'planning' },
      requestMetadata: { user: 'user-123' },
    });
  });

  it('merges consecutive messages of one role, as Converse wants roles to alternate', () => {
    const { request } = chatCompletionRequest({
      model: 'chat',
      messages: [
        { role: 'user', content: 'one' },
        { role: 'user', content: [{ type: 'text', text: 'two' }] },
        { role: 'assistant', content: 'three' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: [{ text: 'one' }, { text: 'two' }] },
      { role: 'assistant', content: [{ text: 'three' }] },
    ]);
  });

  it('gathers system and developer messages, wherever they are, into the system blocks', () => {
    const { request } = chatCompletionRequest({
      model: 'chat',
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: 'hi' },
        { role: 'system', content: 'Answer in French.' },
      ],
    });
    expect(request.system).toEqual([{ text: 'Be brief.' }, { text: 'Answer in French.' }]);
    expect(request.messages).toHaveLength(1);
  });

  it('decodes a base64 data-URL image, calling jpg jpeg', () => {
    const url = `data:image/jpg;base64,${PNG.toString('base64')}`;
    const { request } = chatCompletionRequest({
      model: 'chat',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url } },
          ],
        },
      ],
    });
    const image = request.messages[0].content?.[1].image;
    expect(image?.format).toBe('jpeg');
    expect(Buffer.from(image?.source?.bytes ?? new Uint8Array())).toEqual(PNG);
  });

  it('reads null as absent, a stop string as one stop sequence, and max_completion_tokens before max_tokens', () => {
    const nulls = chatCompletionRequest({
      ...hello,
      n: null,
      stop: null,
      temperature: null,
      top_p: null,
      max_tokens: null,
      max_completion_tokens: null,
      metadata: null,
    }).request;
    expect(nulls.inferenceConfig).toEqual({
      maxTokens: undefined,
      temperature: undefined,
      topP: undefined,
      stopSequences: undefined,
    });
    expect(nulls.metadata).toEqual({});
    expect(nulls.system).toBeUndefined();
    expect(chatCompletionRequest({ ...hello, stop: 'END' }).request.inferenceConfig?.stopSequences).toEqual(['END']);
    expect(
      chatCompletionRequest({ ...hello, max_completion_tokens: 64, max_tokens: 256 }).request.inferenceConfig
        ?.maxTokens,
    ).toBe(64);
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a number', 3],
  ])('fails if the body is %s', (_, body) => {
    expect(refused(body)).toEqual(invalidRequest('body must be a JSON object'));
  });

  it.each([[undefined], [''], [7]])('fails if model is %p', (model) => {
    expect(refused({ ...hello, model })).toEqual(
      invalidRequest('model must be a route id (GET /v1/models lists them)'),
    );
  });

  it('reads stream and stream_options.include_usage', () => {
    expect(chatCompletionRequest({ ...hello, stream: true }).stream).toEqual({ includeUsage: false });
    expect(chatCompletionRequest({ ...hello, stream: true, stream_options: { include_usage: true } }).stream).toEqual({
      includeUsage: true,
    });
    expect(chatCompletionRequest({ ...hello, stream: false }).stream).toBeUndefined();
  });

  it('fails for stream_options without stream: true, and for stream options it does not honour', () => {
    expect(refused({ ...hello, stream_options: { include_usage: true } })).toEqual(
      invalidRequest('stream_options is only allowed with stream: true'),
    );
    expect(refused({ ...hello, stream: true, stream_options: { include_obfuscation: true } })).toEqual(
      unsupported('stream_options.include_obfuscation is not supported (include_usage is)'),
    );
  });

  it('fails with 400 unsupported_parameter for the deprecated functions API', () => {
    expect(refused({ ...hello, functions: [{ name: 'f' }] })).toEqual(
      unsupported('functions is not supported: the deprecated functions API is not served; use tools'),
    );
  });

  it('maps tools and a forced tool_choice onto toolConfig', () => {
    const { request } = chatCompletionRequest({
      ...hello,
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather of a city', parameters: { type: 'object' } },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    });
    expect(request.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather of a city',
            inputSchema: { json: { type: 'object' } },
          },
        },
      ],
      toolChoice: { tool: { name: 'get_weather' } },
    });
  });

  it.each([
    ['auto', { auto: {} }],
    ['required', { any: {} }],
  ])('maps tool_choice %p', (choice, converse) => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(chatCompletionRequest({ ...hello, tools, tool_choice: choice }).request.toolConfig?.toolChoice).toEqual(
      converse,
    );
  });

  it('takes tools: [] as no tools', () => {
    expect(chatCompletionRequest({ ...hello, tools: [] }).request.toolConfig).toBeUndefined();
  });

  it('fails for parallel_tool_calls false without a named tool, and for a tool_choice naming no tool', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(refused({ ...hello, tools, parallel_tool_calls: false })).toEqual(
      unsupported('parallel_tool_calls false cannot be enforced on Bedrock unless tool_choice names one function'),
    );
    expect(refused({ ...hello, tools, tool_choice: { type: 'function', function: { name: 'g' } } })).toEqual(
      invalidRequest('tool_choice.function.name names no tool in tools ("g")'),
    );
  });

  it('turns assistant tool_calls (content null) and tool messages into toolUse and toolResult blocks', () => {
    const { request } = chatCompletionRequest({
      model: 'chat',
      tools: [{ type: 'function', function: { name: 'get_weather' } }],
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18 C' },
      ],
    });
    expect(request.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather in Paris?' }] },
      {
        role: 'assistant',
        content: [{ toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } }],
      },
      { role: 'user', content: [{ toolResult: { toolUseId: 'call_1', content: [{ text: '18 C' }] } }] },
    ]);
  });

  it('fails for tool history without tools, and for tool call arguments that are not JSON', () => {
    const messages = [
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{' } }],
      },
    ];
    expect(refused({ model: 'chat', messages })).toEqual(
      invalidRequest('messages[1].tool_calls[0].function.arguments must be a JSON string'),
    );
    messages[1].tool_calls = [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }];
    expect(refused({ model: 'chat', messages })).toEqual(
      invalidRequest(
        'tools must be given when the messages carry tool calls or tool results (Converse needs the tool definitions)',
      ),
    );
  });

  it('maps user onto Bedrock requestMetadata', () => {
    expect(chatCompletionRequest({ ...hello, user: 'user-123' }).request.requestMetadata).toEqual({ user: 'user-123' });
  });

  it.each([
    ['seed', 7, 'seed is not supported: Converse has no seed'],
    ['frequency_penalty', 0.5, 'frequency_penalty must be 0 (Converse has no frequency penalty)'],
    ['presence_penalty', 1, 'presence_penalty must be 0 (Converse has no presence penalty)'],
    ['logprobs', true, 'logprobs must be false (Converse returns no log probabilities)'],
    ['logit_bias', { 1: 2 }, 'logit_bias is not supported: Converse has no logit bias'],
    [
      'service_tier',
      'flex',
      'service_tier must be "auto" or "default" (Bedrock serves on-demand at its default tier here)',
    ],
    ['store', true, 'store must be false (the router stores no completions)'],
    ['something_else', 1, 'something_else is not a chat completions field this router knows'],
  ])('fails with 400 naming %s rather than dropping it', (key, value, message) => {
    expect(refused({ ...hello, [key]: value })).toEqual(unsupported(message));
  });

  it.each([
    ['seed', null],
    ['frequency_penalty', 0],
    ['logprobs', false],
    ['service_tier', 'auto'],
    ['store', false],
  ])('accepts %s at its neutral value %p', (key, value) => {
    expect(() => chatCompletionRequest({ ...hello, [key]: value })).not.toThrow();
  });

  it('answers response_format json_schema through one forced tool of that schema', () => {
    const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
    const { request, answerCheck } = chatCompletionRequest({
      ...hello,
      response_format: { type: 'json_schema', json_schema: { name: 'place', schema, strict: true } },
    });
    expect(request.toolConfig).toMatchObject({
      tools: [{ toolSpec: { name: 'place', inputSchema: { json: schema } } }],
      toolChoice: { tool: { name: 'place' } },
    });
    const calling = (input: unknown) => ({
      content: [{ toolUse: { toolUseId: 't1', name: 'place', input: input as never } }],
      stopReason: 'tool_use' as const,
      usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 },
    });
    expect(answerCheck?.check(calling({ city: 'Paris' }))).toMatchObject({
      content: [{ text: '{"city":"Paris"}' }],
      stopReason: 'end_turn',
    });
    expect(() => answerCheck?.check(calling({ town: 'Paris' }))).toThrow(ModelOutputError);
    expect(() => answerCheck?.check({ ...calling({}), content: [{ text: 'Paris' }] })).toThrow(
      'the model answered without calling place',
    );
  });

  describe('strict tools', () => {
    const weather = {
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    };
    const body = (strict: unknown) => ({
      ...hello,
      tools: [
        { type: 'function', function: { name: 'clock', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'weather', parameters: weather, strict } },
      ],
    });
    const answer = (name: string, input: unknown) => ({
      content: [{ text: 'Let me look.' }, { toolUse: { toolUseId: 't1', name, input: input as never } }],
      stopReason: 'tool_use' as const,
      usage: { inputTokens: 5, outputTokens: 3, totalTokens: 8 },
    });

    it('checks the calls of a strict tool against its parameters and passes the rest unchanged', () => {
      const { answerCheck } = chatCompletionRequest(body(true));
      expect(answerCheck?.key).toBe('strict:weather');
      const good = answer('weather', { city: 'Oslo' });
      expect(answerCheck?.check(good)).toBe(good);
      const loose = answer('clock', { anything: 1 });
      expect(answerCheck?.check(loose)).toBe(loose);
      expect(() => answerCheck?.check(answer('weather', { town: 'Oslo' }))).toThrow(
        /^the model's arguments for strict tool weather do not match its parameters: /,
      );
    });

    it('checks nothing when no tool is strict', () => {
      expect(chatCompletionRequest(body(false)).answerCheck).toBeUndefined();
      expect(chatCompletionRequest(body(undefined)).answerCheck).toBeUndefined();
    });

    it('refuses a strict that is not a boolean and a strict schema ajv cannot compile', () => {
      expect(refused(body('yes'))).toEqual(invalidRequest('tools[1].function.strict must be a boolean'));
      expect(
        refused({
          ...hello,
          tools: [{ type: 'function', function: { name: 'f', strict: true, parameters: { minProperties: 'a' } } }],
        }).message,
      ).toMatch(/^tools\[0\]\.function\.parameters is not a valid JSON schema/);
    });
  });

  it('fails for an invalid json_schema and for response_format with tools', () => {
    expect(
      refused({
        ...hello,
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'x', schema: { type: 'object', minProperties: 'a' } },
        },
      }).message,
    ).toMatch(/^response_format.json_schema.schema is not a valid JSON schema/);
    expect(
      refused({
        ...hello,
        tools: [{ type: 'function', function: { name: 'f' } }],
        response_format: { type: 'json_object' },
      }),
    ).toEqual(unsupported('response_format cannot be combined with tools here (it is answered through a forced tool)'));
  });

  it('fails with 400 unsupported_parameter for n other than 1', () => {
    expect(refused({ ...hello, n: 2 })).toEqual(unsupported('n must be 1'));
  });

  it.each([[undefined], [[]], ['hi']])('fails if messages is %p', (messages) => {
    expect(refused({ model: 'chat', messages })).toEqual(invalidRequest('messages must be a non-empty array'));
  });

  it('fails if a message is not an object', () => {
    expect(refused({ model: 'chat', messages: [{ role: 'user', content: 'hi' }, null] })).toEqual(
      invalidRequest('messages[1] must be an object'),
    );
  });

  it.each([['human'], [undefined], [3]])('fails if a message has the role %p', (role) => {
    expect(refused({ model: 'chat', messages: [{ role, content: 'hi' }] })).toEqual(
      invalidRequest('messages[0].role must be "system", "developer", "user", "assistant" or "tool"'),
    );
  });

  it('fails with 400 unsupported_parameter for a function message (the deprecated functions API)', () => {
    expect(
      refused({
        model: 'chat',
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'function', content: '42' },
        ],
      }),
    ).toEqual(unsupported('messages[1].role must be "system", "developer", "user", "assistant" or "tool"'));
  });

  it.each([[[]], [42], [null]])('fails if a message content is %p', (content) => {
    expect(refused({ model: 'chat', messages: [{ role: 'user', content }] })).toEqual(
      invalidRequest('messages[0].content must be a string or a non-empty array of content parts'),
    );
  });

  it('fails if a content part is not an object', () => {
    expect(
      refused({ model: 'chat', messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, 'b'] }] }),
    ).toEqual(invalidRequest('messages[0].content[1] must be an object'));
  });

  it.each([
    [{ type: 'input_audio', input_audio: {} }],
    [{ type: 'text', text: 3 }],
    [{ type: 'image_url', image_url: 'data:image/png;base64,' }],
  ])('fails if a content part is %p', (part) => {
    expect(refused({ model: 'chat', messages: [{ role: 'user', content: [part] }] })).toEqual(
      invalidRequest(
        'messages[0].content[0] must be {"type":"text","text":...} or {"type":"image_url","image_url":{"url":...}}',
      ),
    );
  });

  it.each([['https://example.com/cat.png'], ['data:image/bmp;base64,AAAA'], ['data:image/png;base64,not base64!']])(
    'fails if an image URL is %p',
    (url) => {
      expect(
        refused({ model: 'chat', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] }),
      ).toEqual(
        invalidRequest(
          'messages[0].content[0].image_url.url must be a base64 data URL (data:image/png;base64,...); remote URLs are not fetched',
        ),
      );
    },
  );

  it('fails if a system message holds an image', () => {
    const url = `data:image/png;base64,${PNG.toString('base64')}`;
    expect(
      refused({
        model: 'chat',
        messages: [
          { role: 'system', content: [{ type: 'image_url', image_url: { url } }] },
          { role: 'user', content: 'hi' },
        ],
      }),
    ).toEqual(invalidRequest('messages[0].content of a system message must be text'));
  });

  it('fails if there are only system messages', () => {
    expect(refused({ model: 'chat', messages: [{ role: 'system', content: 'Be brief.' }] })).toEqual(
      invalidRequest('messages must include a user message'),
    );
  });

  it.each([[Array.from({ length: 17 }, () => 'x')], [['END', 1]], [5]])('fails if stop is %p', (stop) => {
    expect(refused({ ...hello, stop })).toEqual(
      invalidRequest('stop must be a string or an array of at most 16 strings'),
    );
  });

  it.each([
    ['max_tokens', 0, 'an integer from 1 to 1000000'],
    ['max_tokens', 2.5, 'an integer from 1 to 1000000'],
    ['max_completion_tokens', 1_000_001, 'an integer from 1 to 1000000'],
    ['max_completion_tokens', '64', 'an integer from 1 to 1000000'],
    ['temperature', 3, 'a number from 0 to 2'],
    ['top_p', -0.5, 'a number from 0 to 1'],
  ])('fails if %s is %p', (key, value, expected) => {
    expect(refused({ ...hello, [key]: value })).toEqual(invalidRequest(`${key} must be ${expected}`));
  });

  it('fails if a metadata value is not a string', () => {
    expect(refused({ ...hello, metadata: { tier: 1 } })).toEqual(invalidRequest('metadata.tier must be a string'));
    expect(refused({ ...hello, metadata: 'vip' })).toEqual(invalidRequest('metadata must be an object of strings'));
  });

  it('either accepts a body or refuses it with a BadRequestError, for any JSON value', () => {
    const part = fc.oneof(
      fc.record(
        { type: fc.constantFrom('text', 'image_url'), text: fc.anything(), image_url: fc.anything() },
        { requiredKeys: ['type'] },
      ),
      fc.anything(),
    );
    const message = fc.record(
      {
        role: fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'x'),
        content: fc.oneof(fc.string(), fc.array(part), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          model: fc.oneof(fc.constant('chat'), fc.anything()),
          messages: fc.oneof(fc.array(message), fc.anything()),
          stop: fc.anything(),
          max_tokens: fc.anything(),
          temperature: fc.anything(),
          top_p: fc.anything(),
          n: fc.anything(),
          metadata: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(body, (b) => {
        try {
          chatCompletionRequest(b);
        } catch (err) {
          expect(err).toBeInstanceOf(BadRequestError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('chatCompletionResponse', () => {
  const answer = (stopReason: string) => ({
    content: [{ text: 'Hello ' }, { text: 'there.' }],
    stopReason,
    usage: { inputTokens: 7, outputTokens: 3, totalTokens: 10 },
  });

  it('answers the chat.completion object naming the model that served it', () => {
    expect(chatCompletionResponse('req-1', 'nova-lite', answer('end_turn'), 1700000000)).toEqual({
      id: 'chatcmpl-req-1',
      object: 'chat.completion',
      created: 1700000000,
      model: 'nova-lite',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there.', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 },
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['tool_use', 'stop'],
    ['content_filtered', 'content_filter'],
    ['guardrail_intervened', 'content_filter'],
    ['something_new', 'stop'],
  ])('maps the stop reason %s to the finish reason %s', (stopReason, finish) => {
    const choices = chatCompletionResponse('r', 'm', answer(stopReason), 0).choices as { finish_reason: string }[];
    expect(choices[0].finish_reason).toBe(finish);
  });

  it('reports Bedrock cache reads as prompt_tokens_details.cached_tokens', () => {
    const res = chatCompletionResponse(
      'r',
      'm',
      {
        content: [{ text: 'hi' }],
        stopReason: 'end_turn',
        usage: { inputTokens: 100, outputTokens: 1, totalTokens: 101, cacheReadInputTokens: 80 },
      },
      0,
    );
    expect(res.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 1,
      total_tokens: 101,
      prompt_tokens_details: { cached_tokens: 80 },
    });
  });

  it('answers tool calls with content null and finish_reason tool_calls', () => {
    const res = chatCompletionResponse(
      'r',
      'm',
      {
        content: [{ toolUse: { toolUseId: 'tu-1', name: 'get_weather', input: { city: 'Paris' } } }],
        stopReason: 'tool_use',
        usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
      },
      0,
    );
    expect(res.choices).toEqual([
      {
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [
            { id: 'tu-1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          ],
        },
        finish_reason: 'tool_calls',
        logprobs: null,
      },
    ]);
  });
});
