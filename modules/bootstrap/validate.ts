import { rule, type PropsRule } from '../validation';
import type { DeployRoleProps } from './deploy-role';
import type { SecureBucketProps } from './secure-bucket';

/** S3 bucket names (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html). */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const SECURE_BUCKET_RULES: readonly PropsRule<SecureBucketProps>[] = [
  rule({
    value: (p) => p.bucketName,
    fails: (name) => !BUCKET_NAME.test(name) || name.includes('..'),
    message: (name) =>
      `bucket name must be 3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, but ${name} was provided`,
  }),
  rule({
    value: (p) => p.statements?.map((s) => s.sid),
    fails: (sids) => new Set(['DenyWithoutTls', ...sids]).size !== sids.length + 1,
    message: (sids) =>
      `bucket policy statement ids must be unique (DenyWithoutTls is taken), but ${sids.join(', ')} was provided`,
  }),
];

export const DEPLOY_ROLE_RULES: readonly PropsRule<DeployRoleProps>[] = [
  rule({
    // https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html (MaxSessionDuration)
    value: (p) => p.maxSessionSeconds,
    fails: (s) => !Number.isInteger(s) || s < 3600 || s > 43200,
    message: (s) => `max session must be 3600 to 43200 seconds, but ${s} was provided`,
  }),
  rule({
    value: (p) => p.statements.flatMap((s) => s.actions),
    fails: (actions) => actions.some((a) => a === '*' || a.endsWith(':*')),
    message: (actions) =>
      `a deploy role names each action, but ${actions.filter((a) => a === '*' || a.endsWith(':*')).join(', ')} was provided`,
  }),
  rule({
    value: (p) => p.githubSubject,
    fails: (sub) => !/^repo:[^:*]+\/[^:*]+:(environment:[^:*]+|ref:refs\/heads\/[^:*]+)$/.test(sub),
    message: (sub) =>
      `the trusted subject must be one repository and one GitHub environment or branch, without wildcards, but ${sub} was provided`,
  }),
];
