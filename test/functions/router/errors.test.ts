import {
  AllCandidatesFailedError,
  BadRequestError,
  MethodNotAllowedError,
  ModelOutputError,
  ModelRejectedRequestError,
  NoCandidateError,
  NotFoundError,
  PayloadTooLargeError,
  RoutingTableNotFoundError,
  RoutingTableUnavailableError,
  RoutingTableUnreachableError,
  UnsupportedMediaTypeError,
  errorResponse,
} from '../../../functions/router/errors';

const attempts = [{ model: 'nova-micro', region: 'us-east-1', errorKind: 'throttled' as const, latencyMs: 3 }];

describe('errorResponse', () => {
  it.each([
    [new BadRequestError('messages must be a non-empty array'), 400, 'invalid_request', 'invalid_request_error'],
    [
      new BadRequestError('stream is not supported', 'unsupported_parameter'),
      400,
      'unsupported_parameter',
      'invalid_request_error',
    ],
    [
      new UnsupportedMediaTypeError('content-type must be application/json'),
      415,
      'unsupported_media_type',
      'invalid_request_error',
    ],
    [new PayloadTooLargeError('the body is too large'), 413, 'payload_too_large', 'invalid_request_error'],
    [new NotFoundError('no route "x"', 'route_not_found'), 404, 'route_not_found', 'not_found_error'],
    [new NotFoundError('no such path'), 404, 'not_found', 'not_found_error'],
    [new MethodNotAllowedError('takes POST'), 405, 'method_not_allowed', 'invalid_request_error'],
    [new NoCandidateError('no model can take this request'), 422, 'no_candidate', 'invalid_request_error'],
  ])('answers %p with its status, code and OpenAI type, and no attempts', (err, status, code, type) => {
    expect(errorResponse(err, 'req-1')).toEqual({
      status,
      body: { error: { code, message: err.message, type, param: null, requestId: 'req-1' } },
      headers: {},
    });
  });

  it('names the field at fault as param', () => {
    const err = new BadRequestError('messages[0].role must be "user"', 'invalid_request', {
      param: 'messages[0].role',
    });
    expect(errorResponse(err, 'req-1').body.error.param).toBe('messages[0].role');
  });

  it('answers a 503 with no routing table with Retry-After', () => {
    expect(errorResponse(new RoutingTableUnavailableError('no routing table'), 'req-1')).toEqual({
      status: 503,
      body: {
        error: {
          code: 'routing_table_unavailable',
          message: 'no routing table',
          type: 'server_error',
          param: null,
          requestId: 'req-1',
        },
      },
      headers: { 'retry-after': '1' },
    });
  });

  it('answers Retry-After from the cool-down the failed request found, rounded up', () => {
    const err = new AllCandidatesFailedError('no candidate answered', attempts, 'throttled');
    err.retryAfterSeconds = 7.2;
    expect(errorResponse(err, 'req-1').headers).toEqual({ 'retry-after': '8' });
  });

  it.each([
    [
      new AllCandidatesFailedError('no candidate answered', attempts, 'throttled'),
      429,
      'all_candidates_throttled',
      'rate_limit_error',
      { 'retry-after': '1' },
    ],
    [
      new AllCandidatesFailedError('no candidate answered', attempts, 'model-error'),
      503,
      'all_candidates_failed',
      'server_error',
      { 'retry-after': '1' },
    ],
    [
      new AllCandidatesFailedError('the budget ran out', attempts, 'budget'),
      504,
      'latency_budget_exceeded',
      'server_error',
      {},
    ],
    [
      new ModelRejectedRequestError('the model rejected the request', attempts),
      400,
      'model_rejected_request',
      'invalid_request_error',
      {},
    ],
  ])('answers %p with its status, code, type and the attempts made', (err, status, code, type, headers) => {
    expect(errorResponse(err, 'req-1')).toEqual({
      status,
      body: { error: { code, message: err.message, type, param: null, requestId: 'req-1', attempts } },
      headers,
    });
  });

  it.each([
    [new Error('secret detail')],
    [new ModelOutputError('no generated_text')],
    [new RoutingTableNotFoundError('404', 'http://x')],
    ['a string'],
  ])('answers anything else (%p) with a 500 that tells nothing', (err) => {
    expect(errorResponse(err, 'req-1')).toEqual({
      status: 500,
      body: {
        error: {
          code: 'internal_error',
          message: 'internal error',
          type: 'server_error',
          param: null,
          requestId: 'req-1',
        },
      },
      headers: {},
    });
  });
});

describe('error classes', () => {
  it('set their name and keep their cause', () => {
    const cause = new SyntaxError('Unexpected end of JSON input');
    const errors = [
      new BadRequestError('the body is not valid JSON', 'invalid_json', { cause }),
      new NotFoundError('no route', 'route_not_found', { cause }),
      new ModelRejectedRequestError('rejected', [], { cause }),
      new AllCandidatesFailedError('failed', [], 'unknown', { cause }),
      new ModelOutputError('not JSON', { cause }),
      new RoutingTableUnreachableError('refused', 'http://x', undefined, { cause }),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'BadRequestError',
      'NotFoundError',
      'ModelRejectedRequestError',
      'AllCandidatesFailedError',
      'ModelOutputError',
      'RoutingTableUnreachableError',
    ]);
    for (const e of errors) expect(e.cause).toBe(cause);
  });

  it('give a backend error its kind and a routing-table read its log code', () => {
    expect(new ModelOutputError('x').kind).toBe('model-error');
    expect(new RoutingTableNotFoundError('x', 'http://x').code).toBe('routing_table_not_found');
    expect(new RoutingTableUnreachableError('x', 'http://x', 502)).toMatchObject({
      code: 'routing_table_unreachable',
      status: 502,
      url: 'http://x',
    });
  });
});
