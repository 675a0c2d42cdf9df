import { requestFeatures } from '../../../functions/router/features';
import { converseRequest } from '../../../functions/router/request';
import { ruleMatches, selectCandidates } from '../../../functions/router/select';
import { Harness, TARGET, call, converse, testTable, userText } from './harness';

const h = new Harness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

const PNG = Buffer.from('89504e470d0a1a0a', 'hex').toString('base64');

describe('selection through the handler', () => {
  it('serves a static route with its target', async () => {
    const res = await call(await h.router(), converse('classify', userText('Is this spam?')));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ route: 'classify', model: 'claude-haiku-4-5', region: 'us-east-1' });
    expect(res.body.routing?.rule).toBeUndefined();
    expect(h.bedrockCalls()).toEqual([`${TARGET.haiku}@us-east-1 200`]);
  });

  it('skips a SageMaker candidate for a request with Converse-only model fields', async () => {
    const table = testTable();
    const sagemaker = Object.entries(table.models).find(([, m]) => m.hosting === 'sagemaker')?.[0] ?? '';
    const route = Object.entries(table.routes).find(([, r]) => r.target === sagemaker)?.[0] ?? '';
    expect(route).not.toBe('');
    const res = await call(
      await h.router(),
      converse(route, { ...userText('Where is my order?'), additionalModelRequestFields: { top_k: 5 } }),
    );
    expect(res.status).toBe(200);
    expect(res.body.routing?.model).not.toBe(sagemaker);
    expect(res.body.routing?.skipped).toContainEqual({
      model: sagemaker,
      reason: 'no additional model fields (not Bedrock)',
    });
    expect(h.sagemaker.calls).toHaveLength(0);
  });

  it('uses the route target when no content-based rule matches', async () => {
    const res = await call(
      await h.router(),
      converse('chat', userText('Hello there, what is the weather like today?')),
    );
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5' });
    expect(res.body.routing?.rule).toBeUndefined();
  });

  it('sends images to the images rule target', async () => {
    const body = {
      messages: [
        {
          role: 'user',
          content: [{ text: 'What is in this picture?' }, { image: { format: 'png', source: { bytes: PNG } } }],
        },
      ],
    };
    const res = await call(await h.router(), converse('chat', body));
    expect(res.body.routing).toMatchObject({ model: 'claude-sonnet-4', rule: 'images' });
  });

  it('sends documents to the documents rule target', async () => {
    const body = {
      messages: [
        {
          role: 'user',
          content: [
            { text: 'Summarise this' },
            { document: { format: 'txt', name: 'notes', source: { bytes: Buffer.from('hello').toString('base64') } } },
          ],
        },
      ],
    };
    const res = await call(await h.router(), converse('chat', body));
    expect(res.body.routing).toMatchObject({ model: 'claude-sonnet-4', rule: 'documents' });
  });

  it('sends a reasoning task type to the reasoning rule target', async () => {
    const res = await call(
      await h.router(),
      converse('chat', userText('Why is the sky blue?', { taskType: 'reasoning' })),
    );
    expect(res.body.routing).toMatchObject({ model: 'claude-sonnet-4', rule: 'reasoning' });
  });

  it('sends long inputs (estimated at ~4 characters per token) to the long-input rule target', async () => {
    const res = await call(await h.router(), converse('chat', userText('word '.repeat(25_000))));
    expect(res.body.routing).toMatchObject({ model: 'nova-lite', rule: 'long-input' });
  });

  it('sends a French request (metadata.language) to the european-languages rule target', async () => {
    const res = await call(await h.router(), converse('chat', userText('Bonjour', { language: 'fr' })));
    expect(res.body.routing).toMatchObject({ model: 'mistral-large', rule: 'european-languages' });
    expect(h.bedrockCalls()).toEqual([`${TARGET.mistral}@us-east-1 200`]);
  });

  it('detects a German request without metadata.language', async () => {
    const res = await call(
      await h.router(),
      converse('chat', userText('Wie ist das Wetter heute und was ist der Plan für die Woche?')),
    );
    expect(res.body.routing).toMatchObject({ model: 'mistral-large', rule: 'european-languages' });
  });

  it('matches metadata equality and maxInputTokens rules of a new table', async () => {
    const table = testTable();
    table.routes.chat.rules = [
      { name: 'vip', when: { metadata: { tier: 'vip' } }, target: 'claude-sonnet-4' },
      { name: 'short', when: { maxInputTokens: 10 }, target: 'nova-micro' },
    ];
    h.setTable(table);
    const router = await h.router();
    expect(
      (
        await call(
          router,
          converse('chat', userText('a long enough question to pass ten tokens for sure, yes', { tier: 'vip' })),
        )
      ).body.routing,
    ).toMatchObject({ model: 'claude-sonnet-4', rule: 'vip' });
    expect((await call(router, converse('chat', userText('hi')))).body.routing).toMatchObject({
      model: 'nova-micro',
      rule: 'short',
    });
    expect(
      (
        await call(
          router,
          converse('chat', userText('a long enough question to pass ten tokens for sure, yes', { tier: 'basic' })),
        )
      ).body.routing?.rule,
    ).toBeUndefined();
  });

  it('sends the traffic of a retired model to its replacement', async () => {
    const table = testTable();
    table.models['claude-haiku-4-5'] = {
      ...table.models['claude-haiku-4-5'],
      status: 'retired',
      replacement: 'nova-lite',
    };
    h.setTable(table);
    const res = await call(await h.router(), converse('classify', userText('Is this spam?')));
    expect(res.body.routing).toMatchObject({ model: 'nova-lite' });
    expect(h.bedrockCalls()).toEqual([`${TARGET.novaLite}@us-east-1 200`]);
  });

  it('skips a candidate whose context window cannot hold the input plus maxTokens', async () => {
    const body = { ...userText('word '.repeat(32_000)), inferenceConfig: { maxTokens: 1000 } };
    const res = await call(await h.router(), converse('translate', body));
    expect(res.body.routing).toMatchObject({ model: 'nova-lite' });
    expect(res.body.routing?.skipped).toEqual([
      { model: 'mistral-large', reason: expect.stringContaining('context window 32000') as unknown },
    ]);
    expect(h.bedrockCalls()).toEqual([`${TARGET.novaLite}@us-east-1 200`]);
  });

  it('fails with 422 no_candidate when no model takes the modality', async () => {
    // classify's candidates, Claude Haiku 4.5 and Nova Micro, read no documents.
    const notes = { format: 'txt', name: 'notes', source: { bytes: Buffer.from('hello').toString('base64') } };
    const body = { messages: [{ role: 'user', content: [{ document: notes }] }] };
    const res = await call(await h.router(), converse('classify', body));
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('no_candidate');
    expect(res.body.error?.message).toContain('claude-haiku-4-5 (no document input)');
    expect(res.body.error?.message).toContain('nova-micro (no document input)');
    expect(h.bedrockCalls()).toEqual([]);
  });

  it('calls the SageMaker endpoint with the adapter chosen by metadata.adapter', async () => {
    const router = await h.router();
    const res = await call(router, converse('support', userText('Where is my invoice?', { adapter: 'billing-faq' })));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: 'llama-3-8b-support-lora' });
    expect(res.body.output?.message.content[0].text).toBe(
      `Simulated answer from ${TARGET.supportEndpoint} (billing-faq) in us-east-1.`,
    );
    await call(router, converse('support', userText('Hello')));
    await call(router, converse('support', userText('Hello', { adapter: 'no-such-adapter' })));
    expect(h.sagemaker.adapters).toEqual(['billing-faq', 'support-tone', 'support-tone']);
  });
});

describe('ruleMatches', () => {
  const features = requestFeatures(converseRequest(userText('hello there friend', { taskType: 'summarise' })));
  it('holds when every condition holds', () => {
    expect(
      ruleMatches({ taskTypes: ['summarise'], maxInputTokens: 100, hasImages: false }, features, {
        taskType: 'summarise',
      }),
    ).toBe(true);
  });
  it('fails when one condition fails', () => {
    expect(ruleMatches({ taskTypes: ['summarise'], minInputTokens: 100 }, features, { taskType: 'summarise' })).toBe(
      false,
    );
  });
  it('drops duplicate candidates', () => {
    const table = testTable();
    const route = { ...table.routes.chat, fallbacks: ['claude-haiku-4-5', 'nova-lite', 'nova-lite'] };
    expect(selectCandidates(table, route, features, {}).candidates.map((c) => c.modelId)).toEqual([
      'claude-haiku-4-5',
      'nova-lite',
    ]);
  });
});

describe('model lookups by id', () => {
  it('skips a model id that is an Object.prototype member instead of calling it', () => {
    const table = testTable();
    const route = { ...table.routes.classify, target: 'toString', fallbacks: ['constructor', 'nova-micro'] };
    const features = requestFeatures(converseRequest(userText('Is this spam?')));
    const selection = selectCandidates(table, route, features, {});
    expect(selection.candidates.map((c) => c.modelId)).toEqual(['nova-micro']);
    expect(selection.skipped).toEqual([
      { model: 'toString', reason: 'not in the routing table' },
      { model: 'constructor', reason: 'not in the routing table' },
    ]);
  });
});
