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
    [new BadRequestError('messages must be a non-empty array'), 400, 'invalid_request'],
    [new BadRequestError('stream is not supported', 'unsupported_parameter'), 400, 'unsupported_parameter'],
    [new UnsupportedMediaTypeError('content-type must be application/json'), 415, 'unsupported_media_type'],
    [new PayloadTooLargeError('the body is too large'), 413, 'payload_too_large'],
    [new NotFoundError('no route "x"', 'route_not_found'), 404, 'route_not_found'],
    [new NotFoundError('no such path'), 404, 'not_found'],
    [new MethodNotAllowedError('takes POST'), 405, 'method_not_allowed'],
    [new NoCandidateError('no model can take this request'), 422, 'no_candidate'],
    [new RoutingTableUnavailableError('no routing table'), 503, 'routing_table_unavailable'],
  ])('answers %p with its status and code, and no attempts', (err, status, code) => {
    expect(errorResponse(err, 'req-1')).toEqual({
      status,
      body: { error: { code, message: err.message, requestId: 'req-1' } },
    });
  });

  it.each([
    [new AllCandidatesFailedError('no candidate answered', attempts, 'throttled'), 429, 'all_candidates_throttled'],
    [new AllCandidatesFailedError('no candidate answered', attempts, 'model-error'), 503, 'all_candidates_failed'],
    [new AllCandidatesFailedError('the budget ran out', attempts, 'budget'), 504, 'latency_budget_exceeded'],
    [new ModelRejectedRequestError('the model rejected the request', attempts), 400, 'model_rejected_request'],
  ])('answers %p with its status, code and the attempts made', (err, status, code) => {
    expect(errorResponse(err, 'req-1')).toEqual({
      status,
      body: { error: { code, message: err.message, requestId: 'req-1', attempts } },
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
      body: { error: { code: 'internal_error', message: 'internal error', requestId: 'req-1' } },
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
