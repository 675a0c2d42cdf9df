import { lmiPrompt } from '../../../functions/router/backends/sagemaker';
import { converseRequest } from '../../../functions/router/request';
import { Harness, TARGET, call, converse, testTable } from './harness';

/*
 * Converse fields only some models take (cachePoint, performanceConfig), guardContent in system,
 * and promptVariables, through the real router and the real Bedrock Runtime client against the
 * loopback Bedrock: what reached the model is read back from the simulator.
 */
const h = new Harness();
beforeAll(() => h.start());
afterAll(() => h.stop());
beforeEach(() => h.reset());

/** classify's target, Claude Haiku 4.5, with the capabilities a test gives it. */
function haikuWith(capabilities: { promptCaching?: boolean; latencyOptimized?: boolean }): void {
  const table = testTable();
  Object.assign(table.models['claude-haiku-4-5'], capabilities);
  h.setTable(table);
}

const cached = {
  system: [{ text: 'You classify support tickets.' }, { cachePoint: { type: 'default' } }],
  messages: [
    {
      role: 'user',
      content: [{ text: 'A long shared document.' }, { cachePoint: { type: 'default' } }, { text: 'Is this spam?' }],
    },
  ],
};
const sent = () => h.bedrock.calls[h.bedrock.calls.length - 1].body as Record<string, unknown>;
const hasCachePoint = (blocks: unknown): boolean => JSON.stringify(blocks).includes('cachePoint');

describe('Converse fields a model takes only when its catalog capabilities say so', () => {
  it('strips cachePoint blocks for a model without prompt caching, and says so (header and routing record)', async () => {
    haikuWith({ promptCaching: false });
    const res = await call(await h.router(), converse('classify', cached));
    expect(res.status).toBe(200);
    expect(res.body.routing).toMatchObject({ model: 'claude-haiku-4-5', stripped: ['cachePoint'] });
    expect(res.headers['x-fm-stripped']).toBe('cachePoint');
    expect(hasCachePoint(sent().system)).toBe(false);
    expect(hasCachePoint(sent().messages)).toBe(false);
    // The content itself reaches the model whole.
    expect(sent().messages).toEqual([
      { role: 'user', content: [{ text: 'A long shared document.' }, { text: 'Is this spam?' }] },
    ]);
  });

  it('sends cachePoint blocks to a model with prompt caching, unchanged and unannounced', async () => {
    haikuWith({ promptCaching: true });
    const res = await call(await h.router(), converse('classify', cached));
    expect(res.status).toBe(200);
    expect(res.body.routing?.stripped).toBeUndefined();
    expect(res.headers['x-fm-stripped']).toBeUndefined();
    expect(sent().system).toEqual(cached.system);
    expect(sent().messages).toEqual(cached.messages);
  });

  it('sends performanceConfig latency optimized only to a latency-optimized model; standard is never sent', async () => {
    const ask = (latency: string) => ({
      messages: [{ role: 'user', content: [{ text: 'Is this spam?' }] }],
      performanceConfig: { latency },
    });
    const plain = await call(await h.router(), converse('classify', ask('optimized')));
    expect(plain.headers['x-fm-stripped']).toBe('performanceConfig');
    expect(sent().performanceConfig).toBeUndefined();

    const standard = await call(await h.router(), converse('classify', ask('standard')));
    expect(standard.headers['x-fm-stripped']).toBeUndefined();
    expect(sent().performanceConfig).toBeUndefined();

    haikuWith({ latencyOptimized: true });
    const optimized = await call(await h.router(), converse('classify', ask('optimized')));
    expect(optimized.headers['x-fm-stripped']).toBeUndefined();
    expect(sent().performanceConfig).toEqual({ latency: 'optimized' });
    expect(h.bedrock.calls.map((c) => c.target)).toEqual([TARGET.haiku, TARGET.haiku, TARGET.haiku]);
  });

  it('passes guardContent blocks in system to the model', async () => {
    const system = [{ text: 'Be brief.' }, { guardContent: { text: { text: 'Never mention refunds.' } } }];
    const res = await call(
      await h.router(),
      converse('classify', { system, messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
    );
    expect(res.status).toBe(200);
    expect(sent().system).toEqual(system);
  });
});

describe('Converse request fields refused with a 400 naming them', () => {
  it.each([
    [
      'promptVariables (Bedrock reads them only for a Prompt management prompt)',
      { promptVariables: { name: { text: 'Ada' } } },
      'promptVariables',
    ],
    [
      'a performanceConfig latency that is not standard or optimized',
      { performanceConfig: { latency: 'fast' } },
      'performanceConfig.latency',
    ],
    [
      'an unknown performanceConfig key',
      { performanceConfig: { latency: 'standard', tier: 'x' } },
      'performanceConfig',
    ],
    [
      'a system cachePoint of another type',
      { system: [{ cachePoint: { type: 'ephemeral' } }] },
      'system[0].cachePoint.type',
    ],
    [
      'a system guardContent without text',
      { system: [{ guardContent: { image: {} } }] },
      'system[0].guardContent.text',
    ],
  ])('refuses %s', async (_, extra, param) => {
    const res = await call(
      await h.router(),
      converse('classify', { messages: [{ role: 'user', content: [{ text: 'Hi' }] }], ...extra }),
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ param });
    expect(h.bedrock.calls).toEqual([]);
  });
});

describe('a SageMaker model', () => {
  it('reads guardContent text as part of the prompt (the LMI transcript), never dropping it', () => {
    const request = converseRequest({
      system: [{ guardContent: { text: { text: 'Only billing topics.' } } }],
      messages: [{ role: 'user', content: [{ guardContent: { text: { text: 'Where is my invoice?' } } }] }],
    });
    expect(lmiPrompt(request)).toBe('System: Only billing topics.\nUser: Where is my invoice?\nAssistant:');
  });
});
