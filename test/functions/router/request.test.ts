import fc from 'fast-check';
import { BadRequestError } from '../../../functions/router/errors';
import { converseRequest, metadata } from '../../../functions/router/request';
import { invalidRequest, refusal } from './refusal';

const PNG = Buffer.from('89504e470d0a1a0a', 'hex');
const user = (content: unknown[]) => ({ messages: [{ role: 'user', content }] });
const withText = (extra: Record<string, unknown>) => ({ ...user([{ text: 'hi' }]), ...extra });
const refused = (body: unknown) => refusal(() => converseRequest(body));

describe('converseRequest', () => {
  it('accepts the messages alone, with empty metadata and no other field', () => {
    expect(converseRequest(user([{ text: 'hi' }]))).toEqual({
      messages: [{ role: 'user', content: [{ text: 'hi' }] }],
      system: undefined,
      inferenceConfig: undefined,
      toolConfig: undefined,
      metadata: {},
    });
  });

  it('accepts every Converse field and the routing metadata', () => {
    const tools = { tools: [{ toolSpec: { name: 'lookup', inputSchema: { json: { type: 'object' } } } }] };
    const request = converseRequest({
      messages: [
        { role: 'user', content: [{ text: 'Look it up' }] },
        { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'lookup', input: {} } }] },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 't1', content: [{ text: '42' }] } },
            { cachePoint: { type: 'default' } },
          ],
        },
      ],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 100, temperature: 0.5, topP: 0.9, stopSequences: ['END'] },
      toolConfig: tools,
      metadata: { taskType: 'reasoning', language: 'fr' },
    });
    expect(request.system).toEqual([{ text: 'Be brief.' }]);
    expect(request.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.5, topP: 0.9, stopSequences: ['END'] });
    expect(request.toolConfig).toEqual(tools);
    expect(request.metadata).toEqual({ taskType: 'reasoning', language: 'fr' });
    expect(request.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(request.messages[1].content).toEqual([{ toolUse: { toolUseId: 't1', name: 'lookup', input: {} } }]);
  });

  it('decodes the base64 of images, documents and videos into the bytes the SDK sends', () => {
    const b64 = PNG.toString('base64');
    const request = converseRequest(
      user([
        { image: { format: 'png', source: { bytes: b64 } } },
        { document: { format: 'txt', name: 'notes', source: { bytes: Buffer.from('hello').toString('base64') } } },
        { video: { format: 'mp4', source: { bytes: '' } } },
      ]),
    );
    const [image, document, video] = request.messages[0].content ?? [];
    expect(Buffer.from(image.image?.source?.bytes ?? new Uint8Array())).toEqual(PNG);
    expect(document.document).toMatchObject({ format: 'txt', name: 'notes' });
    expect(Buffer.from(document.document?.source?.bytes ?? new Uint8Array()).toString()).toBe('hello');
    expect(video.video?.source?.bytes).toHaveLength(0);
  });

  it('accepts an empty system array and the limits of every inference setting', () => {
    expect(converseRequest(withText({ system: [] })).system).toEqual([]);
    const low = converseRequest(
      withText({ inferenceConfig: { maxTokens: 1, temperature: 0, topP: 0, stopSequences: [] } }),
    ).inferenceConfig;
    expect(low).toEqual({ maxTokens: 1, temperature: 0, topP: 0, stopSequences: [] });
    const high = converseRequest(
      withText({
        inferenceConfig: {
          maxTokens: 1_000_000,
          temperature: 2,
          topP: 1,
          stopSequences: Array.from({ length: 16 }, (_, i) => `s${i}`),
        },
      }),
    ).inferenceConfig;
    expect(high).toMatchObject({ maxTokens: 1_000_000, temperature: 2, topP: 1 });
    expect(high?.stopSequences).toHaveLength(16);
  });

  it.each([
    ['an array', []],
    ['null', null],
    ['a string', 'hello'],
  ])('fails if the body is %s', (_, body) => {
    expect(refused(body)).toEqual(invalidRequest('body must be a JSON object'));
  });

  it('fails if the body has a key Converse does not know, naming the keys it does', () => {
    expect(refused(withText({ stream: true }))).toEqual(
      invalidRequest(
        'body has an unknown key "stream" (expected messages, system, inferenceConfig, toolConfig, metadata, requestMetadata, additionalModelRequestFields, additionalModelResponseFieldPaths, guardrailConfig, performanceConfig)',
      ),
    );
  });

  it.each([
    ['absent', {}],
    ['empty', { messages: [] }],
    ['an object', { messages: { role: 'user' } }],
  ])('fails if messages is %s', (_, body) => {
    expect(refused(body)).toEqual(invalidRequest('messages must be a non-empty array'));
  });

  it('fails if a message is not an object', () => {
    expect(refused({ messages: [{ role: 'user', content: [{ text: 'hi' }] }, 'hello'] })).toEqual(
      invalidRequest('messages[1] must be an object'),
    );
  });

  it.each(['system', 'tool', undefined, 1])('fails if a message has the role %p', (role) => {
    expect(refused({ messages: [{ role, content: [{ text: 'hi' }] }] })).toEqual(
      invalidRequest('messages[0].role must be "user" or "assistant"'),
    );
  });

  it.each([[[]], ['hi'], [undefined]])('fails if a message content is %p', (content) => {
    expect(refused({ messages: [{ role: 'user', content }] })).toEqual(
      invalidRequest('messages[0].content must be a non-empty array'),
    );
  });

  it('fails if a content block is not an object', () => {
    expect(refused(user([{ text: 'hi' }, 'hi']))).toEqual(invalidRequest('messages[0].content[1] must be an object'));
  });

  it.each([[{}], [{ text: 'a', image: {} }]])('fails if a content block %p has not exactly one key', (block) => {
    expect(refused(user([block]))).toEqual(
      invalidRequest(
        'messages[0].content[0] must have exactly one of text, image, document, video, toolUse, toolResult, guardContent, cachePoint, reasoningContent',
      ),
    );
  });

  it('fails with 400 naming the field for a wrongly typed text', () => {
    expect(refused({ messages: [{ role: 'user', content: [{ text: 42 }] }] })).toEqual(
      invalidRequest('messages[0].content[0].text must be a string'),
    );
  });

  it.each([
    ['image', { source: { bytes: '' } }],
    ['video', { format: 7, source: { bytes: '' } }],
    ['document', 'notes.txt'],
  ])('fails if an %s has no string format', (key, value) => {
    expect(refused(user([{ [key]: value }]))).toEqual(
      invalidRequest(`messages[0].content[0].${key} must have a string format and a source`),
    );
  });

  it('fails if a document has no name', () => {
    expect(refused(user([{ document: { format: 'txt', source: { bytes: '' } } }]))).toEqual(
      invalidRequest('messages[0].content[0].document.name must be a string'),
    );
  });

  it.each([[undefined], [{ s3Location: { uri: 's3://bucket/key' } }], [{ bytes: 12 }]])(
    'fails if an image source is %p',
    (source) => {
      expect(refused(user([{ image: { format: 'png', source } }]))).toEqual(
        invalidRequest('messages[0].content[0].image.source must be { "bytes": "<base64>" }'),
      );
    },
  );

  it('fails if the bytes are not base64', () => {
    expect(refused(user([{ image: { format: 'png', source: { bytes: 'not base64!' } } }]))).toEqual(
      invalidRequest('messages[0].content[0].image.source.bytes must be base64'),
    );
  });

  it.each(['toolUse', 'toolResult', 'guardContent', 'cachePoint', 'reasoningContent'])(
    'fails if a %s block is not an object',
    (key) => {
      expect(refused(user([{ [key]: 'x' }]))).toEqual(
        invalidRequest(`messages[0].content[0].${key} must be an object`),
      );
    },
  );

  it('fails on a content type Converse does not have', () => {
    expect(refused(user([{ audio: {} }]))).toEqual(
      invalidRequest('messages[0].content[0] has an unknown content type "audio"'),
    );
  });

  it('fails if system is not an array', () => {
    expect(refused(withText({ system: 'Be brief.' }))).toEqual(
      invalidRequest('system must be an array of { "text": "..." }'),
    );
  });

  it.each([[{ text: 1 }], [{ text: 'a', cachePoint: {} }], ['Be brief.']])('fails if a system block is %p', (block) => {
    expect(refused(withText({ system: [{ text: 'ok' }, block] }))).toEqual(
      invalidRequest(
        'system[1] must be one of { "text": "..." }, { "guardContent": { "text": { "text": "..." } } }, { "cachePoint": { "type": "default" } }',
      ),
    );
  });

  it('fails if inferenceConfig is not an object', () => {
    expect(refused(withText({ inferenceConfig: [] }))).toEqual(invalidRequest('inferenceConfig must be an object'));
  });

  it('fails on an inference setting Converse does not have', () => {
    expect(refused(withText({ inferenceConfig: { maxTokens: 10, top_k: 5 } }))).toEqual(
      invalidRequest('inferenceConfig has an unknown key "top_k"'),
    );
  });

  it.each([[Array.from({ length: 17 }, () => 'x')], [['END', 3]], ['END']])(
    'fails if stopSequences is %p',
    (stopSequences) => {
      expect(refused(withText({ inferenceConfig: { stopSequences } }))).toEqual(
        invalidRequest('inferenceConfig.stopSequences must be an array of at most 16 strings'),
      );
    },
  );

  it.each([
    ['maxTokens', 0, 'an integer from 1 to 1000000'],
    ['maxTokens', 1_000_001, 'an integer from 1 to 1000000'],
    ['maxTokens', 10.5, 'an integer from 1 to 1000000'],
    ['maxTokens', '10', 'an integer from 1 to 1000000'],
    ['maxTokens', Infinity, 'an integer from 1 to 1000000'],
    ['temperature', 2.01, 'a number from 0 to 2'],
    ['temperature', -1, 'a number from 0 to 2'],
    ['topP', 1.5, 'a number from 0 to 1'],
    ['topP', null, 'a number from 0 to 1'],
  ])('fails if %s is %p', (key, value, expected) => {
    expect(refused(withText({ inferenceConfig: { [key]: value } }))).toEqual(
      invalidRequest(`inferenceConfig.${key} must be ${expected}`),
    );
  });

  it.each([[[]], [{ tools: {} }], [{ tools: ['lookup'] }], [{}]])('fails if toolConfig is %p', (toolConfig) => {
    expect(refused(withText({ toolConfig }))).toEqual(invalidRequest('toolConfig must be { "tools": [ ... ] }'));
  });

  it.each([[['fr']], ['fr'], [null]])('fails if metadata is %p', (value) => {
    expect(refused(withText({ metadata: value }))).toEqual(invalidRequest('metadata must be an object of strings'));
  });

  it('fails if a metadata value is not a string, naming its key', () => {
    expect(refused(withText({ metadata: { language: 'fr', priority: 1 } }))).toEqual(
      invalidRequest('metadata.priority must be a string'),
    );
  });

  it('either accepts a body or refuses it with a BadRequestError, for any JSON value', () => {
    const block = fc.oneof(
      fc.record({ text: fc.oneof(fc.string(), fc.integer()) }),
      fc.record({ image: fc.anything() }),
      fc.dictionary(fc.string(), fc.anything()),
    );
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        {
          messages: fc.oneof(
            fc.array(
              fc.record({
                role: fc.constantFrom('user', 'assistant', 'system'),
                content: fc.oneof(fc.array(block), fc.anything()),
              }),
            ),
            fc.anything(),
          ),
          system: fc.anything(),
          inferenceConfig: fc.anything(),
          toolConfig: fc.anything(),
          metadata: fc.anything(),
        },
        { requiredKeys: [] },
      ),
    );
    fc.assert(
      fc.property(body, (b) => {
        try {
          converseRequest(b);
        } catch (err) {
          expect(err).toBeInstanceOf(BadRequestError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('metadata', () => {
  it('is empty when absent and keeps string values', () => {
    expect(metadata(undefined)).toEqual({});
    expect(metadata({ adapter: 'billing-faq' })).toEqual({ adapter: 'billing-faq' });
  });
});
