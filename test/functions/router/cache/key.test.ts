import { cacheKey, canonicalJson } from '../../../../functions/router/cache/key';
import type { RouterRequest } from '../../../../functions/router/request';

const base: RouterRequest = {
  messages: [{ role: 'user', content: [{ text: 'Is this a refund request?' }] }],
  system: [{ text: 'Answer yes or no.' }],
  inferenceConfig: { temperature: 0, maxTokens: 10 },
  toolConfig: { tools: [{ toolSpec: { name: 'label', inputSchema: { json: { type: 'object' } } } }] },
  metadata: { taskType: 'classification' },
};
const key = (request: RouterRequest, over: Partial<Parameters<typeof cacheKey>[0]> = {}): string =>
  cacheKey({ environment: 'prod', route: 'classify', scope: 'team-a', request, ...over });

describe('cacheKey', () => {
  it('maps equal requests to one key whatever the order of their fields', () => {
    const reordered: RouterRequest = {
      metadata: { taskType: 'classification' },
      inferenceConfig: { maxTokens: 10, temperature: 0 },
      toolConfig: base.toolConfig,
      system: [{ text: 'Answer yes or no.' }],
      messages: [{ content: [{ text: 'Is this a refund request?' }], role: 'user' }],
    };
    expect(key(reordered)).toBe(key(base));
    expect(key(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ignores requestMetadata (it labels the invocation log, not the answer)', () => {
    expect(key({ ...base, requestMetadata: { user: 'u-1' } })).toBe(key(base));
  });

  it.each<[string, RouterRequest | undefined, Partial<Parameters<typeof cacheKey>[0]>]>([
    ['a message', { ...base, messages: [{ role: 'user', content: [{ text: 'Is this a refund request!' }] }] }, {}],
    ['the system prompt', { ...base, system: [{ text: 'Answer no or yes.' }] }, {}],
    ['an inference setting', { ...base, inferenceConfig: { temperature: 0, maxTokens: 11 } }, {}],
    ['the tools', { ...base, toolConfig: undefined }, {}],
    ['the tool choice', { ...base, toolConfig: { ...base.toolConfig!, toolChoice: { any: {} } } }, {}],
    ['a routing hint', { ...base, metadata: { taskType: 'reasoning' } }, {}],
    ['the guardrail', { ...base, guardrailConfig: { trace: 'enabled' } }, {}],
    ['the model-specific fields', { ...base, additionalModelRequestFields: { top_k: 1 } }, {}],
    ['the response format', undefined, { responseFormat: 'answer' }],
    ['the route', undefined, { route: 'chat' }],
    ['the environment', undefined, { environment: 'staging' }],
    ['the consumer', undefined, { scope: 'team-b' }],
    ['the sharing (no consumer scope)', undefined, { scope: undefined }],
  ])('changes when %s differs', (_what, request, over) => {
    expect(key(request ?? base, over)).not.toBe(key(base));
  });

  it('keeps bytes apart from text that looks like them', () => {
    expect(canonicalJson({ a: new Uint8Array([1, 2]) })).not.toBe(canonicalJson({ a: [1, 2] }));
    expect(canonicalJson({ a: new Uint8Array([1, 2]) })).toBe(canonicalJson({ a: new Uint8Array([1, 2]) }));
  });
});
