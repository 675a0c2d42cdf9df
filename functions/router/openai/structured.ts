import type { ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import type Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction } from 'ajv/dist/2020';
import type { TableModel } from '../../../contracts/routing-table';
import type { Backend, ModelAnswer } from '../backends/backend';
import { ModelOutputError } from '../errors';
import { invalid, isObject, objectAt, stringAt, type JsonObject } from '../validation';
import type { StrictTool } from './tools';

/**
 * `response_format` on Bedrock, honestly: the request forces one tool whose input schema is the
 * requested schema (`json_object`: any object), the model's tool input is validated against it
 * (ajv), and the answer is that input as the message's JSON text. An answer that calls no tool or
 * fails the schema is a model failure (ModelOutputError): the retry loop moves to the next
 * candidate as for any other. Candidates without tool use are skipped (the request carries a
 * toolConfig). https://platform.openai.com/docs/guides/structured-outputs
 * https://docs.aws.amazon.com/bedrock/latest/userguide/tool-use-inference-call.html (forcing a tool with toolChoice)
 */
export interface StructuredOutput {
  readonly toolName: string;
  readonly validate: ValidateFunction;
  readonly toolConfig: ToolConfiguration;
}

/**
 * The schema compiler, loaded on the first structured request: it is a tenth of the bundle's
 * module-load time, which every cold start would pay otherwise.
 */
let compiler: Ajv2020 | undefined;
function ajv(): Ajv2020 {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deferred on purpose (above)
  const { default: Ajv } = require('ajv/dist/2020') as typeof import('ajv/dist/2020');
  compiler ??= new Ajv({ strict: false, allErrors: false, validateSchema: true });
  return compiler;
}
/** Compiled validators by schema text: a client sends the same schema on every call. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 200;

function validatorOf(schema: JsonObject, param: string): ValidateFunction {
  // The dialect is Ajv2020's own; a $schema naming another draft would make ajv refuse the schema.
  const rest = { ...schema };
  delete rest.$schema;
  const key = JSON.stringify(rest);
  let v = compiled.get(key);
  if (v !== undefined) return v;
  try {
    v = ajv().compile(rest);
  } catch (err) {
    invalid(param, `is not a valid JSON schema: ${err instanceof Error ? err.message.slice(0, 300) : String(err)}`);
  }
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, v);
  return v;
}

/** The structured output a body asks for, or undefined (`text`, or no response_format). */
export function structuredOutputOf(body: JsonObject): StructuredOutput | undefined {
  const rf = body.response_format ?? undefined;
  if (rf === undefined) return undefined;
  const format = objectAt(rf, 'response_format');
  let name: string;
  let description: string;
  let schema: JsonObject;
  if (format.type === 'text') return undefined;
  if (format.type === 'json_object') {
    name = 'json_object';
    description = 'Give the answer as a JSON object: the input of this tool.';
    schema = { type: 'object' };
  } else if (format.type === 'json_schema') {
    const js = objectAt(format.json_schema, 'response_format.json_schema');
    name = stringAt(js.name, 'response_format.json_schema.name');
    if (!/^[a-zA-Z0-9_-]{1,64}$/.test(name))
      invalid('response_format.json_schema.name', 'must be 1 to 64 letters, digits, _ or -');
    description =
      typeof js.description === 'string' && js.description !== ''
        ? js.description
        : `Give the answer as the input of this tool (${name}).`;
    schema = js.schema === undefined ? { type: 'object' } : objectAt(js.schema, 'response_format.json_schema.schema');
    if (schema.type !== 'object')
      invalid(
        'response_format.json_schema.schema',
        'must describe an object (type "object"): it is the input schema of a tool',
      );
  } else return invalid('response_format.type', 'must be "text", "json_object" or "json_schema"');
  if (body.tools !== undefined && body.tools !== null && !(Array.isArray(body.tools) && body.tools.length === 0))
    invalid(
      'response_format',
      'cannot be combined with tools here (it is answered through a forced tool)',
      'unsupported_parameter',
    );
  return {
    toolName: name,
    validate: validatorOf(schema, 'response_format.json_schema.schema'),
    toolConfig: {
      tools: [{ toolSpec: { name, description, inputSchema: { json: schema as never } } }],
      toolChoice: { tool: { name } },
    },
  };
}

/**
 * What the API checks in an answer before it serves it (structured output, strict tools): an answer
 * that fails is the model's failure (ModelOutputError), retried on the route's next candidate.
 */
export interface AnswerCheck {
  /** Part of the response cache key: the same request under another check is another answer. */
  readonly key: string;
  /** The answer to serve, or throws ModelOutputError. */
  readonly check: (answer: ModelAnswer) => ModelAnswer;
}

const schemaErrors = (validate: ValidateFunction): string =>
  ajv().errorsText(validate.errors, { separator: '; ' }).slice(0, 300);

/** Structured output's check: the forced tool's valid input becomes the answer, as JSON text. */
export function structuredCheck(output: StructuredOutput): AnswerCheck {
  return {
    key: output.toolName,
    check(answer) {
      const use = answer.content.find((b) => b.toolUse?.name === output.toolName)?.toolUse;
      if (use === undefined) throw new ModelOutputError(`the model answered without calling ${output.toolName}`);
      const input: unknown = use.input;
      if (!isObject(input) || !output.validate(input))
        throw new ModelOutputError(`the model's answer does not match the schema: ${schemaErrors(output.validate)}`);
      return {
        content: [{ text: JSON.stringify(input) }],
        stopReason: answer.stopReason === 'tool_use' ? 'end_turn' : answer.stopReason,
        usage: answer.usage,
      };
    },
  };
}

/**
 * `tools[].function.strict: true`, honestly: OpenAI promises that a strict function's arguments
 * match its `parameters`; Bedrock's Converse makes no such promise, so every call of a strict tool
 * in an answer is validated against its schema (ajv) and an answer that breaks one is a model
 * failure, as for structured output. Answers with no strict call pass unchanged.
 * https://platform.openai.com/docs/guides/function-calling#strict-mode
 */
export function strictToolsCheck(strict: readonly StrictTool[]): AnswerCheck | undefined {
  if (strict.length === 0) return undefined;
  const validators = new Map(
    strict.map((t) => [t.name, validatorOf(t.parameters, `tools[${t.index}].function.parameters`)]),
  );
  return {
    key: `strict:${strict
      .map((t) => t.name)
      .sort()
      .join(',')}`,
    check(answer) {
      for (const block of answer.content) {
        const use = block.toolUse;
        const validate = use?.name === undefined ? undefined : validators.get(use.name);
        if (use === undefined || validate === undefined) continue;
        const input: unknown = use.input;
        if (!isObject(input) || !validate(input))
          throw new ModelOutputError(
            `the model's arguments for strict tool ${use.name} do not match its parameters: ${schemaErrors(validate)}`,
          );
      }
      return answer;
    },
  };
}

/** Backends whose answers pass the check before anyone sees them. */
export function checkedBackends(
  backends: Readonly<Record<TableModel['hosting'], Backend>>,
  answers: AnswerCheck,
): Readonly<Record<TableModel['hosting'], Backend>> {
  const checked = (inner: Backend): Backend => ({
    invoke: async (call) => answers.check(await inner.invoke(call)),
  });
  return { bedrock: checked(backends.bedrock), sagemaker: checked(backends.sagemaker) };
}
