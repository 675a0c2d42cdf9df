import type { APIGatewayProxyEventLike, APIGatewayProxyResultLike } from './http-types';
import { BadRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';

/** Largest accepted body (decoded): Lambda's synchronous payload limit is 6 MB, envelope included. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

export function header(event: APIGatewayProxyEventLike, name: string): string | undefined {
  const headers = event.headers ?? {};
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/** The JSON body of a POST: 415 for another content type, 413 over the limit, 400 when it is not JSON. */
export function jsonBody(event: APIGatewayProxyEventLike): unknown {
  const type = header(event, 'content-type');
  if (type !== undefined && !/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(type.trim()))
    throw new UnsupportedMediaTypeError(`content-type must be application/json, not "${type}"`);
  const raw = event.body ?? '';
  if (raw.length > MAX_BODY_BYTES * (event.isBase64Encoded ? 4 / 3 : 1) + 4)
    throw new PayloadTooLargeError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw new PayloadTooLargeError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '') throw new BadRequestError('the body is empty; send a JSON object', 'invalid_json');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BadRequestError(
      `the body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`,
      'invalid_json',
      { cause: err },
    );
  }
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResultLike {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}
