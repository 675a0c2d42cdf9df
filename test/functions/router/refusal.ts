import { errorResponse } from '../../../functions/router/errors';

export interface Refusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

/** What a caller is answered when a parser refuses a body: the status, code and message errorResponse gives the thrown error. */
export function refusal(parse: () => unknown): Refusal {
  try {
    parse();
  } catch (err) {
    const { status, body } = errorResponse(err, 'req-1');
    return { status, code: body.error.code, message: body.error.message };
  }
  throw new Error('the parser accepted the body');
}

/** The refusal of a bad request field: 400 invalid_request with the located message. */
export const invalidRequest = (message: string): Refusal => ({ status: 400, code: 'invalid_request', message });
