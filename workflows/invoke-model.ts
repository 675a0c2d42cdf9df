import type { PlannedModel } from '../catalog';
import { parameter, type Json, type ParameterValue } from './asl';
import { WorkflowDefinitionError } from './workflow-error';

/**
 * The optimized Bedrock integration: InvokeModel only (Converse is not one of its APIs), taking the
 * model's own request body (https://docs.aws.amazon.com/step-functions/latest/dg/connect-bedrock.html).
 */
export const INVOKE_MODEL_TASK = 'arn:aws:states:::bedrock:invokeModel';

/** The content types of every InvokeModel call the workflows make. */
export const JSON_BODY = { ContentType: 'application/json', Accept: 'application/json' } as const;

type BodyModel = Pick<PlannedModel, 'id' | 'provider' | 'family'>;
type BodyBuilder = (model: BodyModel, prompt: ParameterValue, maxTokens: ParameterValue) => Record<string, Json>;

/**
 * A minimal one-turn request per provider, in the provider's native format
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters.html). `team` models are
 * SageMaker-hosted and reached through the router, so they have none.
 */
const REQUEST_BODIES: { readonly [P in PlannedModel['provider']]?: BodyBuilder } = {
  anthropic: (_, prompt, maxTokens) => ({
    anthropic_version: 'bedrock-2023-05-31',
    ...parameter('max_tokens', maxTokens),
    messages: [{ role: 'user', content: [{ type: 'text', ...parameter('text', prompt) }] }],
  }),
  // Titan Text takes inputText; the Nova models take the messages-v1 schema.
  amazon: (model, prompt, maxTokens): Record<string, Json> => {
    if (model.family === 'titan')
      return { ...parameter('inputText', prompt), textGenerationConfig: parameter('maxTokenCount', maxTokens) };
    return {
      schemaVersion: 'messages-v1',
      messages: [{ role: 'user', content: [parameter('text', prompt)] }],
      inferenceConfig: parameter('maxTokens', maxTokens),
    };
  },
  meta: (_, prompt, maxTokens) => ({ ...parameter('prompt', prompt), ...parameter('max_gen_len', maxTokens) }),
  // Mistral's prompt is wrapped in its instruction tags.
  mistral: (_, prompt, maxTokens) => {
    const wrapped: ParameterValue =
      'path' in prompt
        ? { path: `States.Format('<s>[INST] {} [/INST]', ${prompt.path})` }
        : { value: `<s>[INST] ${prompt.value} [/INST]` };
    return { ...parameter('prompt', wrapped), ...parameter('max_tokens', maxTokens) };
  },
  cohere: (_, prompt, maxTokens) => ({ ...parameter('message', prompt), ...parameter('max_tokens', maxTokens) }),
};

/** The InvokeModel body of one model, with the prompt and the token limit as paths or literals. */
export function invokeModelBody(
  model: BodyModel,
  prompt: ParameterValue,
  maxTokens: ParameterValue,
): Record<string, Json> {
  const build = REQUEST_BODIES[model.provider];
  if (build === undefined)
    throw new WorkflowDefinitionError(
      `workflow: no InvokeModel request shape for provider "${model.provider}" (model "${model.id}")`,
    );
  return build(model, prompt, maxTokens);
}
