import type { ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';
import { delay, type Behaviour } from './http-sim';

/**
 * What the simulated Bedrock models answer, for Converse and ConverseStream alike, and the
 * ConverseStream wire format: Amazon's event-stream encoding (`application/vnd.amazon.eventstream`),
 * which the real SDK decodes, CRCs included.
 *
 * One message: total length (u32), headers length (u32), CRC32 of those 8 bytes, headers, payload,
 * CRC32 of everything before it. A header: name length (u8), name, value type (7 = string), value
 * length (u16), value. Events carry `:message-type: event`, `:event-type` and `:content-type`;
 * exceptions `:message-type: exception` and `:exception-type`.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/RESTSelectObjectAppendix.html (the same encoding)
 * https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStream.html
 */
export function eventStreamMessage(headers: Readonly<Record<string, string>>, payload: Uint8Array): Buffer {
  const headerParts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length);
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    headerParts.push(h);
  }
  const headerBytes = Buffer.concat(headerParts);
  const total = 12 + headerBytes.length + payload.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headerBytes.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headerBytes.copy(message, 12);
  Buffer.from(payload).copy(message, 12 + headerBytes.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}

export function streamEvent(type: string, body: unknown): Buffer {
  return eventStreamMessage(
    { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' },
    Buffer.from(JSON.stringify(body), 'utf8'),
  );
}

export function streamException(type: string, message: string): Buffer {
  return eventStreamMessage(
    { ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' },
    Buffer.from(JSON.stringify({ message }), 'utf8'),
  );
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** A value that satisfies a JSON schema's common keywords (what a compliant model would send as tool input). */
export function sampleOf(schema: unknown): Json {
  if (typeof schema !== 'object' || schema === null) return {};
  const s = schema as Record<string, unknown>;
  if ('const' in s) return s.const as Json;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0] as Json;
  for (const k of ['anyOf', 'oneOf', 'allOf'])
    if (Array.isArray(s[k]) && (s[k] as unknown[]).length > 0) return sampleOf((s[k] as unknown[])[0]);
  const type = Array.isArray(s.type) ? (s.type as unknown[]).find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string':
      return 'sample';
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return Array.from({ length: Math.max(1, typeof s.minItems === 'number' ? s.minItems : 1) }, () =>
        sampleOf(s.items),
      );
    default: {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sampleOf(v)]));
    }
  }
}

export interface ConverseBody {
  messages?: { role?: string; content?: Record<string, unknown>[] }[];
  system?: { text?: string }[];
  inferenceConfig?: { maxTokens?: number };
  additionalModelResponseFieldPaths?: string[];
  toolConfig?: {
    tools?: { toolSpec?: { name?: string; inputSchema?: { json?: unknown } } }[];
    toolChoice?: { tool?: { name?: string }; any?: object; auto?: object };
  };
}

export type SimBlock = { text: string } | { toolUse: { toolUseId: string; name: string; input: unknown } };

let toolCalls = 0;

/**
 * The simulated model's answer: a call of the forced tool (toolChoice tool or any) with the
 * behaviour's toolInput or a sample of the tool's schema; after a tool result, a text naming it;
 * otherwise the fixed or echo text.
 */
export function simAnswer(body: ConverseBody, b: Behaviour, text: string): { content: SimBlock[]; stopReason: string } {
  const tools = body.toolConfig?.tools ?? [];
  const choice = body.toolConfig?.toolChoice;
  const forced = choice?.tool?.name ?? (choice?.any !== undefined ? tools[0]?.toolSpec?.name : undefined);
  const last = body.messages?.[body.messages.length - 1];
  const results = (last?.content ?? []).filter((c) => 'toolResult' in c);
  if (forced !== undefined && results.length === 0) {
    const spec = tools.find((t) => t.toolSpec?.name === forced)?.toolSpec;
    const input = b.toolInput !== undefined ? b.toolInput : sampleOf(spec?.inputSchema?.json);
    return {
      content: [{ toolUse: { toolUseId: `tooluse_sim${++toolCalls}`, name: forced, input } }],
      stopReason: b.stopReason ?? 'tool_use',
    };
  }
  const answer = results.length > 0 ? `Tool result received: ${JSON.stringify(results[0])}` : text;
  return { content: [{ text: answer }], stopReason: b.stopReason ?? 'end_turn' };
}

/** Splits text into the chunks a model streams (a word and its following space each). */
export function chunksOf(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

/**
 * Writes a ConverseStream answer: messageStart, then per block its deltas (text in word chunks;
 * a tool call's input as one JSON string), messageStop and metadata; with the behaviour's
 * first-token stall, per-chunk delay and mid-stream exception.
 */
export async function writeConverseStream(
  res: ServerResponse,
  answer: { content: SimBlock[]; stopReason: string },
  usage: { inputTokens: number; outputTokens: number; totalTokens: number },
  b: Behaviour,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': `sim-${Date.now()}`,
  });
  const started = Date.now();
  res.write(streamEvent('messageStart', { role: 'assistant' }));
  await delay(b.firstTokenDelayMs ?? 0);
  let chunks = 0;
  for (const [index, block] of answer.content.entries()) {
    const deltas: { text?: string; toolUse?: { input: string } }[] =
      'text' in block
        ? chunksOf(block.text).map((text) => ({ text }))
        : [{ toolUse: { input: JSON.stringify(block.toolUse.input) } }];
    if ('toolUse' in block)
      res.write(
        streamEvent('contentBlockStart', {
          contentBlockIndex: index,
          start: { toolUse: { toolUseId: block.toolUse.toolUseId, name: block.toolUse.name } },
        }),
      );
    for (const delta of deltas) {
      if (res.destroyed) return;
      if (b.failAfterChunks !== undefined && chunks >= b.failAfterChunks) {
        res.end(
          streamException(b.streamErrorType ?? 'modelStreamErrorException', 'the model stream failed (simulated)'),
        );
        return;
      }
      if (chunks > 0) await delay(b.chunkDelayMs ?? 0);
      res.write(streamEvent('contentBlockDelta', { contentBlockIndex: index, delta }));
      chunks++;
    }
    res.write(streamEvent('contentBlockStop', { contentBlockIndex: index }));
  }
  res.write(streamEvent('messageStop', { stopReason: answer.stopReason }));
  res.end(streamEvent('metadata', { usage, metrics: { latencyMs: Date.now() - started } }));
}
