import { ERROR_ACTIONS, ERROR_KINDS } from '../../../contracts/error-kinds';
import { classifyError } from '../../../functions/router/error-kinds';

const named = (name: string, message = '', status?: number) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('classifyError', () => {
  it.each([
    ['ThrottlingException', 'throttled'],
    ['ServiceUnavailableException', 'unavailable'],
    ['InternalServerException', 'unavailable'],
    ['ModelNotReadyException', 'throttled'],
    ['ModelTimeoutException', 'timeout'],
    ['ModelErrorException', 'model-error'],
    ['ServiceQuotaExceededException', 'quota'],
    ['AccessDeniedException', 'access-denied'],
    ['ResourceNotFoundException', 'not-found'],
    ['ValidationException', 'invalid-request'],
    ['ModelError', 'model-error'],
    ['ServiceUnavailable', 'unavailable'],
  ])('names %s %s', (name, kind) => {
    expect(classifyError(named(name))).toBe(kind);
  });

  it('names a ValidationException about length context-length', () => {
    expect(classifyError(named('ValidationException', 'Input is too long for requested model.'))).toBe(
      'context-length',
    );
  });

  it.each([
    ['ValidationException', 'The provided model identifier is invalid.', 'not-found'],
    ['ValidationException', 'Invocation of model ID x with on-demand throughput isn\u2019t supported.', 'not-found'],
    ['ValidationException', "You don't have access to the model with the specified model ID.", 'access-denied'],
    ['ValidationException', 'This model version has reached the end of its life.', 'not-found'],
    ['ValidationError', 'Endpoint fm-prod-x of account 123456789012 not found.', 'not-found'],
    ['ValidationException', 'temperature is out of range', 'invalid-request'],
  ])('names a %s saying "%s" %s', (name, message, kind) => {
    expect(classifyError(named(name, message))).toBe(kind);
  });

  it('names an error called like an Object.prototype member unknown', () => {
    expect(classifyError(named('constructor'))).toBe('unknown');
    expect(classifyError(named('toString'))).toBe('unknown');
  });

  it('falls back on the status code for unmodelled errors', () => {
    expect(classifyError(named('Weird', '', 429))).toBe('throttled');
    expect(classifyError(named('Weird', '', 502))).toBe('unavailable');
    expect(classifyError('not an error')).toBe('unknown');
  });

  it('has an action for every kind', () => {
    expect(Object.keys(ERROR_ACTIONS).sort()).toEqual([...ERROR_KINDS].sort());
  });
});
