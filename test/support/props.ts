import { Testing, TerraformStack } from 'cdktf';
import { PropsValidationError } from '../../modules/validation';

/** A fresh stack named `stack`, as `Testing.synthScope` makes one: constructs made in it have paths `stack/<id>`. */
export function testStack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'stack');
}

/** Runs a constructor that must refuse its props, and returns the error it throws (any other outcome fails the test). */
export function propsFailure(make: () => unknown): PropsValidationError {
  try {
    make();
  } catch (err) {
    if (err instanceof PropsValidationError) return err;
    throw err;
  }
  throw new Error('the construct accepted its props');
}
