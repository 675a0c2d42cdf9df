import { BedrockModelAccess } from '../../modules/bedrock/model-access';
import type { HostingProvisioner } from '../provision';

/**
 * Bedrock models need no resource of their own: the router's role may invoke exactly the planned
 * invocations (each profile, and the foundation models behind it only through that profile), and
 * apply the routes' guardrails. The application inference profiles the stack made (all in the
 * primary Region) join that Region's invocation of the model they copy.
 */
export const bedrockProvisioner: HostingProvisioner<'bedrock'> = {
  provision(scope, models, { plan, routerRole, applicationProfileArns }) {
    new BedrockModelAccess(scope, 'RouterBedrockAccess', {
      role: routerRole,
      invocations: models.flatMap((m) =>
        m.hosting.invocations.map((i) => ({
          profileArn: i.profile?.arn,
          foundationModelArns: i.foundationModelArns,
          ...(i.region === plan.region ? { applicationProfileArns: applicationProfileArns?.get(m.id) ?? [] } : {}),
        })),
      ),
      applicationProfilePolicyPrefix: `fm-${plan.name}-router-application-profiles`,
      guardrailArns: plan.routes.flatMap((r) =>
        r.guardrail ? [`arn:aws:bedrock:${plan.region}:${plan.account}:guardrail/${r.guardrail.id}`] : [],
      ),
    });
    return { outputs: {}, dashboardEndpointNames: [], logGroupNames: [] };
  },
};
