import { ERROR_KINDS } from '../../contracts/error-kinds';
import { kindOfErrorName, STEP_FUNCTIONS_ERROR_KINDS } from '../../workflows/error-names';

describe('workflow error names', () => {
  it('maps every caught error name to a router error kind', () => {
    for (const kind of Object.values(STEP_FUNCTIONS_ERROR_KINDS)) expect(ERROR_KINDS).toContain(kind);
    expect(kindOfErrorName('Bedrock.ThrottlingException')).toBe('throttled');
    expect(kindOfErrorName('Something.Else')).toBe('unknown');
  });
});
