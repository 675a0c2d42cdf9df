/* The type of routing-table-validator.js, the routing-table schema precompiled by ajv (see catalog/generate-types.ts). */
import type { ErrorObject } from 'ajv';

declare function validate(data: unknown): boolean;
declare namespace validate {
  let errors: ErrorObject[] | null | undefined;
}
export default validate;
