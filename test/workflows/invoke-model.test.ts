import { invokeModelBody } from '../../workflows/invoke-model';

const model = (provider: 'anthropic' | 'amazon' | 'meta' | 'mistral' | 'cohere' | 'team', family: string) => ({
  id: `${provider}-${family}`,
  provider,
  family,
});

describe('InvokeModel request bodies', () => {
  const bodies = [
    [
      model('anthropic', 'claude-3'),
      {
        anthropic_version: 'bedrock-2023-05-31',
        max_tokens: 1,
        messages: [{ role: 'user', content: [{ type: 'text', text: 'ping' }] }],
      },
    ],
    [
      model('amazon', 'nova'),
      {
        schemaVersion: 'messages-v1',
        messages: [{ role: 'user', content: [{ text: 'ping' }] }],
        inferenceConfig: { maxTokens: 1 },
      },
    ],
    [model('amazon', 'titan'), { inputText: 'ping', textGenerationConfig: { maxTokenCount: 1 } }],
    [model('meta', 'llama-3'), { prompt: 'ping', max_gen_len: 1 }],
    [model('mistral', 'mistral-large'), { prompt: '<s>[INST] ping [/INST]', max_tokens: 1 }],
    [model('cohere', 'command-r'), { message: 'ping', max_tokens: 1 }],
  ] as const;

  it.each(bodies.map(([m, body]) => [`${m.provider}/${m.family}`, m, body] as const))(
    'builds the native body of %s from literals',
    (_, m, body) => {
      expect(invokeModelBody(m, { value: 'ping' }, { value: 1 })).toEqual(body);
    },
  );

  it('takes the prompt and the token limit from the state by path', () => {
    expect(
      invokeModelBody(model('mistral', 'mistral-large'), { path: '$.request.prompt' }, { path: '$.request.maxTokens' }),
    ).toEqual({
      'prompt.$': "States.Format('<s>[INST] {} [/INST]', $.request.prompt)",
      'max_tokens.$': '$.request.maxTokens',
    });
  });

  it('fails for a provider with no InvokeModel request shape', () => {
    expect(() => invokeModelBody(model('team', 'llama-3-support'), { value: 'ping' }, { value: 1 })).toThrow(
      'workflow: no InvokeModel request shape for provider "team" (model "team-llama-3-support")',
    );
  });
});
