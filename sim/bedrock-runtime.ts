import type { IncomingMessage, ServerResponse } from 'node:http';
import { simAnswer, writeConverseStream, type ConverseBody } from './bedrock-stream';
import { HttpSim, delay, signedRegion, type Behaviour, type SimPrompt } from './http-sim';

/** Bedrock Runtime's error statuses (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors); ServiceQuotaExceeded is declared on InvokeModel, not on Converse, and its 400 is unconfirmed. */
export const BEDROCK_ERROR_STATUS: Readonly<Record<string, number>> = {
  ThrottlingException: 429,
  ModelNotReadyException: 429,
  ServiceUnavailableException: 503,
  InternalServerException: 500,
  ModelTimeoutException: 408,
  ModelErrorException: 424,
  ServiceQuotaExceededException: 400,
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
};

/**
 * A local Bedrock Runtime speaking the Converse wire protocol (restJson1):
 * `POST /model/{modelId}/converse`, and `POST /model/{modelId}/converse-stream` answered in the
 * event-stream encoding (sim/bedrock-stream.ts), the model id URL-encoded, the Region taken from the SigV4
 * credential scope. Answers `{output:{message}, stopReason, usage, metrics}`; errors carry the
 * real status code, an `x-amzn-ErrorType` header and a JSON `{message}`.
 */
export class BedrockRuntimeSim extends HttpSim {
  /** Application inference profiles that exist, by ARN: what each was copied from. */
  private readonly applicationProfiles = new Map<string, string>();
  /** Provisioned models (Provisioned Throughput) that exist, by ARN: the custom model each serves. */
  private readonly provisionedModels = new Map<string, string>();
  protected readonly defaultError = 'ServiceUnavailableException';

  /**
   * Makes an application inference profile exist (as `CreateInferenceProfile` or Terraform's
   * `aws_bedrock_inference_profile` would), copied from a foundation model or a system profile ARN.
   * Converse accepts its ARN as `modelId`
   * (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-use.html).
   */
  defineApplicationProfile(arn: string, copiedFrom: string): void {
    if (!APPLICATION_PROFILE_ARN.test(arn)) throw new Error(`not an application inference profile ARN: ${arn}`);
    this.applicationProfiles.set(arn, copiedFrom);
  }

  /**
   * Makes a provisioned model exist (as `CreateProvisionedModelThroughput` or Terraform's
   * `aws_bedrock_provisioned_model_throughput` would), serving a custom model. Converse accepts its ARN
   * as `modelId`, the only way to call a custom model
   * (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html).
   */
  defineProvisionedModel(arn: string, customModelArn: string): void {
    if (!PROVISIONED_MODEL_ARN.test(arn)) throw new Error(`not a provisioned model ARN: ${arn}`);
    this.provisionedModels.set(arn, customModelArn);
  }

  /** The custom model a defined provisioned model serves, or undefined. */
  servedBy(arn: string): string | undefined {
    return this.provisionedModels.get(arn);
  }

  /** What a defined application profile was copied from, or undefined. */
  copiedFrom(arn: string): string | undefined {
    return this.applicationProfiles.get(arn);
  }
  protected readonly errorStatus = BEDROCK_ERROR_STATUS;
  protected readonly errorNamespace = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

  protected async handle(req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
    const m = /^\/model\/([^/]+)\/converse(-stream)?$/.exec((req.url ?? '').split('?')[0]);
    if (req.method !== 'POST' || !m) {
      this.sendError(res, 'ResourceNotFoundException', `unknown operation ${req.method ?? ''} ${req.url ?? ''}`);
      return;
    }
    const modelId = decodeURIComponent(m[1]);
    const region = signedRegion(req);
    const profile = APPLICATION_PROFILE_ARN.exec(modelId);
    const provisioned = PROVISIONED_MODEL_ARN.exec(modelId);
    const missing =
      profile && (profile[1] !== region || !this.applicationProfiles.has(modelId))
        ? `application inference profile ${modelId} not found in ${region}`
        : provisioned && (provisioned[1] !== region || !this.provisionedModels.has(modelId))
          ? `provisioned model ${modelId} not found in ${region}`
          : undefined;
    if (missing !== undefined) {
      // Profiles and provisioned models are regional resources: one of another Region, or one never
      // created, is not found here (the error type real Bedrock answers for it is not confirmed from
      // AWS's documentation).
      this.record({
        target: modelId,
        region,
        at: Date.now(),
        status: 404,
        errorType: 'ResourceNotFoundException',
        headers: req.headers,
      });
      this.sendError(res, 'ResourceNotFoundException', missing);
      return;
    }
    const b = this.behaviourOf(modelId, region);
    const at = Date.now();
    const failure = this.draw(modelId, region, b);
    let parsed: ConverseBody | undefined;
    try {
      parsed = JSON.parse(raw) as ConverseBody;
    } catch {
      parsed = undefined;
    }
    const reply: ReturnType<NonNullable<Behaviour['reply']>> =
      parsed !== undefined && b.reply ? b.reply(promptOf(parsed)) : {};
    const delayMs = reply.delayMs ?? b.delayMs ?? 0;
    await delay(delayMs);
    if (res.destroyed) return;
    if (parsed === undefined) {
      this.record({ target: modelId, region, at, status: 400, errorType: 'ValidationException', headers: req.headers });
      this.sendError(res, 'ValidationException', 'Malformed input request');
      return;
    }
    const body = parsed;
    if (failure !== undefined) {
      const status = this.sendError(res, failure, b.errorMessage ?? `${failure} (simulated)`);
      this.record({ target: modelId, region, at, status, errorType: failure, headers: req.headers });
      return;
    }
    const inputChars = JSON.stringify(body.messages ?? []).length + JSON.stringify(body.system ?? []).length;
    const answer = simAnswer(body, b, reply.answer ?? b.answer ?? `Simulated answer from ${modelId} in ${region}.`);
    const inputTokens = Math.ceil(inputChars / 4);
    const outputChars = answer.content
      .map((c) => ('text' in c ? c.text.length : JSON.stringify(c.toolUse.input).length))
      .reduce((x, y) => x + y, 0);
    const outputTokens = Math.ceil(outputChars / 4);
    const usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
    this.record({ target: modelId, region, at, status: 200, headers: req.headers, body });
    if (m[2] !== undefined) {
      await writeConverseStream(res, answer, usage, b);
      return;
    }
    this.sendJson(res, {
      output: { message: { role: 'assistant', content: answer.content } },
      stopReason: answer.stopReason,
      usage,
      metrics: { latencyMs: delayMs },
      ...(body.additionalModelResponseFieldPaths
        ? {
            additionalModelResponseFields: Object.fromEntries(
              body.additionalModelResponseFieldPaths.map((p) => [p.replace(/^\//, ''), `sim:${p}`]),
            ),
          }
        : {}),
    });
  }
}

/** `arn:aws:bedrock:<region>:<account>:application-inference-profile/<id>`, capturing the Region. */
const APPLICATION_PROFILE_ARN = /^arn:aws:bedrock:([a-z0-9-]+):\d{12}:application-inference-profile\/[a-z0-9]+$/;
/** A provisioned model's ARN (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetProvisionedModelThroughput.html). */
const PROVISIONED_MODEL_ARN = /^arn:aws:bedrock:([a-z0-9-]+):\d{12}:provisioned-model\/[a-z0-9]{12}$/;

/** The system text and the last user message's text of a Converse body. */
function promptOf(body: ConverseBody): SimPrompt {
  const texts = (blocks: { text?: string }[] | undefined): string =>
    (blocks ?? []).flatMap((c) => (typeof c.text === 'string' ? [c.text] : [])).join('\n');
  const lastUser = [...(body.messages ?? [])].reverse().find((m) => m.role === 'user');
  return { system: texts(body.system), text: texts(lastUser?.content) };
}
