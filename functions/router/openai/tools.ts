import type { ContentBlock, Tool, ToolChoice, ToolConfiguration } from '@aws-sdk/client-bedrock-runtime';
import type { ModelAnswer } from '../backends/backend';
import { invalid, isObject, nonEmptyArrayAt, objectAt, stringAt, type JsonObject } from '../validation';

/**
 * OpenAI tools ↔ Converse toolConfig:
 * - `tools: [{type:"function", function:{name, description, parameters}}]` → `toolConfig.tools`
 *   of `toolSpec {name, description, inputSchema:{json: parameters}}` (`tools: []` is no tools);
 * - `tool_choice`: "auto" → `{auto:{}}`, "required" → `{any:{}}`, `{type:"function",function:{name}}`
 *   → `{tool:{name}}`, "none" → no toolConfig (refused when the history has tool calls, which
 *   Converse cannot read without one);
 * - `parallel_tool_calls`: true (the default) is what Converse does; false is refused unless a
 *   named tool is forced (then the model makes exactly one call);
 * - assistant `tool_calls` (content may be null) → `toolUse` blocks; `role:"tool"` messages →
 *   `toolResult` blocks of a user turn.
 * https://platform.openai.com/docs/api-reference/chat/create
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ToolConfiguration.html
 */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** A tool whose calls must match its parameters (`function.strict: true`). */
export interface StrictTool {
  readonly name: string;
  readonly parameters: JsonObject;
  /** Its place in `tools`, for the error that names a schema ajv cannot compile. */
  readonly index: number;
}

function toolOf(value: unknown, index: number): { tool: Tool; strict?: StrictTool } {
  const path = `tools[${index}]`;
  const t = objectAt(value, path);
  if (t.type !== 'function') invalid(`${path}.type`, 'must be "function"', 'unsupported_parameter');
  const f = objectAt(t.function, `${path}.function`);
  const name = stringAt(f.name, `${path}.function.name`);
  if (!TOOL_NAME.test(name)) invalid(`${path}.function.name`, 'must be 1 to 64 letters, digits, _ or -');
  if (f.description !== undefined && typeof f.description !== 'string')
    invalid(`${path}.function.description`, 'must be a string');
  if (f.strict !== undefined && f.strict !== null && typeof f.strict !== 'boolean')
    invalid(`${path}.function.strict`, 'must be a boolean');
  const parameters =
    f.parameters === undefined
      ? { type: 'object', properties: {} }
      : objectAt(f.parameters, `${path}.function.parameters`);
  return {
    tool: {
      toolSpec: {
        name,
        ...(typeof f.description === 'string' && f.description !== '' ? { description: f.description } : {}),
        inputSchema: { json: parameters as never },
      },
    },
    ...(f.strict === true ? { strict: { name, parameters, index } } : {}),
  };
}

/**
 * The toolConfig of an OpenAI body and its strict tools (undefined when it has no tools or
 * tool_choice "none").
 */
export function toolConfigOf(
  body: JsonObject,
  historyHasTools: boolean,
): { toolConfig: ToolConfiguration; strictTools: StrictTool[] } | undefined {
  const rawTools = body.tools ?? undefined;
  if (rawTools !== undefined && !Array.isArray(rawTools)) invalid('tools', 'must be an array');
  const parsed = (rawTools ?? []).map((t, i) => toolOf(t, i));
  const tools = parsed.map((p) => p.tool);
  const choice = body.tool_choice ?? undefined;
  const parallel = body.parallel_tool_calls ?? undefined;
  if (parallel !== undefined && typeof parallel !== 'boolean') invalid('parallel_tool_calls', 'must be a boolean');
  if (tools.length === 0) {
    if (choice !== undefined && choice !== 'none' && choice !== 'auto')
      invalid('tool_choice', 'needs tools to choose from');
    if (historyHasTools)
      invalid(
        'tools',
        'must be given when the messages carry tool calls or tool results (Converse needs the tool definitions)',
      );
    return undefined;
  }
  let toolChoice: ToolChoice | undefined;
  if (choice === undefined || choice === 'auto') toolChoice = { auto: {} };
  else if (choice === 'required') toolChoice = { any: {} };
  else if (choice === 'none') {
    if (historyHasTools)
      invalid(
        'tool_choice',
        '"none" cannot be honoured with tool calls in the history (Converse has no "none")',
        'unsupported_parameter',
      );
    return undefined;
  } else if (isObject(choice) && choice.type === 'function' && isObject(choice.function)) {
    const name = stringAt(choice.function.name, 'tool_choice.function.name');
    if (!tools.some((t) => t.toolSpec?.name === name))
      invalid('tool_choice.function.name', `names no tool in tools ("${name}")`);
    toolChoice = { tool: { name } };
  } else invalid('tool_choice', 'must be "none", "auto", "required" or {"type":"function","function":{"name":...}}');
  if (parallel === false && toolChoice.tool === undefined)
    invalid(
      'parallel_tool_calls',
      'false cannot be enforced on Bedrock unless tool_choice names one function',
      'unsupported_parameter',
    );
  return { toolConfig: { tools, toolChoice }, strictTools: parsed.flatMap((p) => (p.strict ? [p.strict] : [])) };
}

/** An assistant message's tool_calls as Converse toolUse blocks. */
export function toolUseBlocks(value: unknown, path: string): ContentBlock[] {
  return nonEmptyArrayAt(value, path).map((item, i): ContentBlock => {
    const p = `${path}[${i}]`;
    const call = objectAt(item, p);
    if (call.type !== undefined && call.type !== 'function') invalid(`${p}.type`, 'must be "function"');
    const id = stringAt(call.id, `${p}.id`);
    const f = objectAt(call.function, `${p}.function`);
    const name = stringAt(f.name, `${p}.function.name`);
    const args = stringAt(f.arguments, `${p}.function.arguments`);
    let input: unknown;
    try {
      input = args.trim() === '' ? {} : JSON.parse(args);
    } catch {
      invalid(`${p}.function.arguments`, 'must be a JSON string');
    }
    if (!isObject(input)) invalid(`${p}.function.arguments`, 'must be a JSON object');
    return { toolUse: { toolUseId: id, name, input: input as never } };
  });
}

/** A role "tool" message as a Converse toolResult block. */
export function toolResultBlock(m: JsonObject, path: string): ContentBlock {
  const id = stringAt(m.tool_call_id, `${path}.tool_call_id`);
  const content = m.content;
  let text: string;
  if (typeof content === 'string') text = content;
  else
    text = nonEmptyArrayAt(content, `${path}.content`, 'must be a string or an array of text parts')
      .map((p, i) => {
        const part = objectAt(p, `${path}.content[${i}]`);
        if (part.type !== 'text' || typeof part.text !== 'string')
          invalid(`${path}.content[${i}]`, 'must be a text part');
        return part.text;
      })
      .join('');
  return { toolResult: { toolUseId: id, content: [{ text }] } };
}

/** The OpenAI tool_calls of an answer's toolUse blocks. */
export function toolCallsOf(answer: ModelAnswer): JsonObject[] {
  return answer.content.flatMap((b) =>
    b.toolUse === undefined
      ? []
      : [
          {
            id: b.toolUse.toolUseId,
            type: 'function',
            function: { name: b.toolUse.name, arguments: JSON.stringify(b.toolUse.input ?? {}) },
          },
        ],
  );
}
