import { loadProject } from '../catalog';
import { evaluationJobDefaults } from '../catalog/bootstrap';
import { deploySessionSeconds, deployTimeoutMinutes } from '../stacks/deploy-timeout';
import { deployRoleName, syncRoleName } from '../stacks/bootstrap-stack';
import { parseOptions } from './args';

const USAGE = `usage: npm run deploy-settings -- --env NAME

Prints what the deploy workflow needs to know of an environment, as GITHUB_OUTPUT lines: its
account and Region (from environments/NAME.json, the one place they are written), the deploy role
the catalog sync's read-only role, the evaluation jobs' bucket and role,
the job timeout sized from its roll-out settings, and the role session to match.`;

const o = parseOptions({ env: { type: 'string' } }, USAGE);
if (o.help || !o.env) {
  console.log(USAGE);
  process.exit(o.help ? 0 : 2);
}
const plan = loadProject({ only: [o.env] }).plans[0];
const evaluation = evaluationJobDefaults(plan);
console.log(
  [
    `account=${plan.account}`,
    `region=${plan.region}`,
    `role-arn=arn:aws:iam::${plan.account}:role/${deployRoleName(plan.name)}`,
    `sync-role-arn=arn:aws:iam::${plan.account}:role/${syncRoleName(plan.name)}`,
    ...(evaluation
      ? [`evaluation-job-bucket=${evaluation.bucketUri}`, `evaluation-role-arn=${evaluation.roleArn}`]
      : []),
    `timeout-minutes=${deployTimeoutMinutes(plan)}`,
    `session-seconds=${deploySessionSeconds(plan)}`,
  ].join('\n'),
);
