import { eachRule, rule, type PropsRule } from '../validation';
import type { RolePolicyProps } from './role-policy';

/** Inline policy names (https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html). */
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** IAM statement ids: ASCII letters and digits, unique within a policy (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html). */
const SID = /^[A-Za-z0-9]+$/;

export const ROLE_POLICY_RULES: readonly PropsRule<RolePolicyProps>[] = [
  rule({
    value: (p) => p.policyName,
    fails: (name) => !POLICY_NAME.test(name),
    message: (name) => `policy name must be 1 to 128 letters, digits and +=,.@_- characters, but ${name} was provided`,
  }),
  rule({
    value: (p) => p.statements.length,
    fails: (n) => n === 0,
    message: () => 'a role policy needs at least one statement, but none was provided',
  }),
  eachRule({
    each: (p) => p.statements.map((s) => s.sid),
    fails: (sids) => sids.some((sid) => !SID.test(sid)),
    message: (sids) =>
      `statement ids must be letters and digits, but ${sids
        .filter((sid) => !SID.test(sid))
        .map((sid) => `"${sid}"`)
        .join(', ')} was provided`,
  }),
  eachRule({
    each: (p) => p.statements.map((s) => s.sid),
    fails: (sids) => new Set(sids).size !== sids.length,
    message: (sids) =>
      `statement ids must be unique in a policy, but ${sids.filter((sid, n) => sids.indexOf(sid) !== n).join(', ')} was provided more than once`,
  }),
];
