import { MAX_JSON_DEPTH, nestingBeyond } from '../../contracts/json-depth';
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

/** At most this much of a client's value is echoed in an error message. */
export const MAX_ECHO_CHARS = 80;

/** A client's value for an error message: quoted, cut to MAX_ECHO_CHARS with its length said. */
export function echo(value: string): string {
  return value.length <= MAX_ECHO_CHARS
    ? JSON.stringify(value)
    : `${JSON.stringify(value.slice(0, MAX_ECHO_CHARS))}… (${value.length} characters)`;
}

/**
 * The JSON body of a POST: 415 for another content type or a charset other than UTF-8 (RFC 8259
 * §8.1: JSON exchanged between systems is UTF-8; https://www.rfc-editor.org/rfc/rfc8259#section-8.1),
 * 413 over the limit, 400 when it is not JSON or nests deeper than MAX_JSON_DEPTH.
 */
export function jsonBody(event: APIGatewayProxyEventLike): unknown {
  const type = header(event, 'content-type');
  if (type !== undefined && !/^application\/(json|[\w.+-]+\+json)\s*(;|$)/i.test(type.trim()))
    throw new UnsupportedMediaTypeError(`content-type must be application/json, not ${echo(type)}`);
  const charset = type !== undefined ? /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(type)?.[1] : undefined;
  if (charset !== undefined && !/^utf-?8$/i.test(charset))
    throw new UnsupportedMediaTypeError(`the body must be UTF-8 JSON, not charset ${echo(charset)}`);
  const raw = event.body ?? '';
  if (raw.length > MAX_BODY_BYTES * (event.isBase64Encoded ? 4 / 3 : 1) + 4)
    throw new PayloadTooLargeError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw new PayloadTooLargeError(`the body is larger than ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '') throw new BadRequestError('the body is empty; send a JSON object', 'invalid_json');
  const tooDeep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined)
    throw new BadRequestError(
      `the body nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (at character ${tooDeep})`,
      'invalid_json',
    );
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
