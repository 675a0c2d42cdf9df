import { routingTableErrors, type RoutingTable } from '../../contracts/routing-table';
import type { EnvironmentPlan } from '../../catalog';
import { applicationProfilesOf, profileName } from '../../catalog/resolve';
import { planFor, policyStatements, resourcesOf, synthEnvironment, type SynthesizedStack } from './synth-environment';

const reference = (name: string) => `\${aws_bedrock_inference_profile.${name}.arn}`;

/** The stack's profiles by their name, with the reference IAM and AppConfig write their ARN as. */
function profilesOf(stack: SynthesizedStack): Map<string, { ref: string; values: Record<string, unknown> }> {
  return new Map(
    Object.entries(stack.resource.aws_bedrock_inference_profile ?? {}).map(([name, values]) => [
      String(values.name),
      { ref: reference(name), values },
    ]),
  );
}

/** The routing table deployed to AppConfig (its content, references unresolved). */
function appConfigTable(stack: SynthesizedStack): RoutingTable {
  const [version] = resourcesOf(stack, 'aws_appconfig_hosted_configuration_version');
  return JSON.parse(String(version.content)) as RoutingTable;
}

describe('application inference profiles (cost allocation)', () => {
  it('makes one per route and Bedrock model in staging, tagged, copying the system profile or the foundation model', () => {
    const plan = planFor('staging');
    const stack = synthEnvironment('staging');
    const profiles = profilesOf(stack);
    const bedrockCandidates = plan.routes.flatMap((r) =>
      r.candidates
        .filter((m) => plan.models.find((x) => x.id === m)?.hosting.type === 'bedrock')
        .map((m) => `fm-staging-${r.id}-${m}`),
    );
    expect([...profiles.keys()].sort()).toEqual([...bedrockCandidates].sort());
    expect(profiles.get('fm-staging-chat-claude-sonnet-4')?.values).toEqual({
      name: 'fm-staging-chat-claude-sonnet-4',
      model_source: [
        {
          copy_from:
            'arn:aws:bedrock:us-east-1:222222222222:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0',
        },
      ],
      tags: { environment: 'staging', route: 'chat', model: 'claude-sonnet-4' },
    });
    // No support route profile for the SageMaker model: application profiles copy Bedrock models only.
    expect([...profiles.keys()].some((n) => n.includes('llama-3-8b-support-lora'))).toBe(false);
  });

  it('adds one per consumer in prod, tagged with the team, and copies a foundation model where there is no profile', () => {
    const plan = planFor('prod');
    const profiles = profilesOf(synthEnvironment('prod'));
    const teams = plan.api.consumers.map((c) => c.name);
    expect(teams.length).toBeGreaterThan(0);
    for (const team of teams)
      expect(profiles.get(`fm-prod-classify-claude-haiku-4-5-${team}`)?.values.tags).toEqual({
        environment: 'prod',
        route: 'classify',
        model: 'claude-haiku-4-5',
        team,
      });
    expect(profiles.size).toBe(plan.applicationProfiles.length);
    expect(profiles.size % (teams.length + 1)).toBe(0);
    // Mistral Large is called on demand in us-east-1 (no profile covers it): its copy is of the foundation model.
    expect(profiles.get('fm-prod-translate-mistral-large')?.values.model_source).toEqual([
      { copy_from: 'arn:aws:bedrock:us-east-1::foundation-model/mistral.mistral-large-2402-v1:0' },
    ]);
  });

  it('makes none where the environment leaves cost allocation off', () => {
    const off = (p: EnvironmentPlan): EnvironmentPlan => ({
      ...p,
      costAllocation: { applicationProfiles: 'off' },
      applicationProfiles: applicationProfilesOf({ ...p, costAllocation: { applicationProfiles: 'off' } }),
    });
    const stack = synthEnvironment('dev', off);
    expect(stack.resource.aws_bedrock_inference_profile).toBeUndefined();
    expect(stack.resource.aws_iam_policy).toBeUndefined();
    expect(JSON.stringify(appConfigTable(stack))).not.toContain('applicationProfiles');
  });

  it('deploys the ARNs to AppConfig as references, and keeps them out of the baked table', () => {
    const plan = planFor('prod');
    const stack = synthEnvironment('prod');
    const profiles = profilesOf(stack);
    const table = appConfigTable(stack);
    const classify = table.routes.classify.applicationProfiles ?? [];
    expect(classify).toContainEqual({
      model: 'claude-haiku-4-5',
      region: 'us-east-1',
      consumer: 'web-app',
      arn: profiles.get('fm-prod-classify-claude-haiku-4-5-web-app')?.ref,
    });
    expect(classify).toContainEqual({
      model: 'claude-haiku-4-5',
      region: 'us-east-1',
      arn: profiles.get('fm-prod-classify-claude-haiku-4-5')?.ref,
    });
    // Every profile is in the table once, and the table is otherwise the plan's.
    expect(Object.values(table.routes).flatMap((r) => r.applicationProfiles ?? [])).toHaveLength(profiles.size);
    const { routes, ...rest } = table;
    const { routes: planRoutes, ...planRest } = plan.routingTable;
    expect(rest).toEqual(planRest);
    for (const [id, route] of Object.entries(routes)) {
      const { applicationProfiles, ...own } = route;
      expect(applicationProfiles?.length).toBeGreaterThan(0);
      expect(own).toEqual(planRoutes[id]);
    }
    // The plan's table (what the router bundle bakes) has no profile: their ARNs do not exist at synth.
    expect(JSON.stringify(plan.routingTable)).not.toContain('applicationProfiles');
    // With real ARNs in place of the references, AppConfig's table passes the router's own validation.
    let n = 0;
    const applied = JSON.parse(
      JSON.stringify(table).replace(
        /\$\{aws_bedrock_inference_profile\.[^}]+\}/g,
        () => `arn:aws:bedrock:us-east-1:333333333333:application-inference-profile/p${String(n++).padStart(11, '0')}`,
      ),
    ) as unknown;
    expect(routingTableErrors(applied, { environment: 'prod' })).toEqual([]);
  });

  it('grants the router the profiles in its own managed policy, and what they route to inline, with no wildcard resource', () => {
    const stack = synthEnvironment('prod');
    const refs = [...profilesOf(stack).values()].map((p) => p.ref);
    const policies = resourcesOf(stack, 'aws_iam_policy');
    expect(policies.map((p) => p.name)).toEqual([
      'fm-prod-router-application-profiles-1',
      'fm-prod-router-application-profiles-2',
    ]);
    expect(resourcesOf(stack, 'aws_iam_role_policy_attachment').map((a) => a.role)).toEqual([
      '${aws_iam_role.Router_Role_7AB539C7.name}',
      '${aws_iam_role.Router_Role_7AB539C7.name}',
    ]);
    const statements = policyStatements(stack);
    const managed = statements.filter((s) => s.document.startsWith('RouterBedrockAccess_ApplicationProfiles_Document'));
    expect(managed.flatMap((s) => s.actions)).toEqual([
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
      'bedrock:InvokeModel',
      'bedrock:InvokeModelWithResponseStream',
    ]);
    expect(managed.flatMap((s) => s.resources).sort()).toEqual([...refs].sort());
    // What a profile routes to: the system profile and the foundation models of every destination, these only
    // through a profile of this account and Region (system or application).
    const inline = statements.filter((s) => s.document.startsWith('RouterBedrockAccess_Document'));
    expect(inline.find((s) => s.sid === 'InvokeInferenceProfiles')?.resources).toContain(
      'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
    );
    const haiku = inline.find((s) =>
      s.resources.includes('arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'),
    );
    expect(haiku?.condition?.[0].values).toEqual(
      expect.arrayContaining([
        'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
        'arn:aws:bedrock:us-east-1:333333333333:application-inference-profile/*',
      ]),
    );
    for (const s of [...managed, ...inline]) expect(s.resources.filter((r) => r.includes('*'))).toEqual([]);
  });

  it("has each route's workflow call its route profile by ARN, and grants it that and what it routes to", () => {
    const stack = synthEnvironment('prod');
    const profiles = profilesOf(stack);
    const machines = resourcesOf(stack, 'aws_sfn_state_machine');
    const classify = machines.find((m) => String(m.name).endsWith('-classify'));
    const definition = JSON.parse(String(classify?.definition)) as {
      States: Record<string, { Parameters?: { ModelId?: string } }>;
    };
    const modelIds = Object.values(definition.States).flatMap((s) =>
      s.Parameters?.ModelId ? [s.Parameters.ModelId] : [],
    );
    expect(modelIds.sort()).toEqual(
      [profiles.get('fm-prod-classify-claude-haiku-4-5')?.ref, profiles.get('fm-prod-classify-nova-micro')?.ref].sort(),
    );
    const granted = policyStatements(stack)
      .filter((s) => s.document.startsWith('Workflows_Policy-classify'))
      .filter((s) => s.actions.includes('bedrock:InvokeModel'));
    const resources = granted.flatMap((s) => s.resources);
    expect(resources).toEqual(
      expect.arrayContaining([
        profiles.get('fm-prod-classify-claude-haiku-4-5')?.ref,
        'arn:aws:bedrock:us-east-1:333333333333:inference-profile/us.anthropic.claude-haiku-4-5-20251001-v1:0',
        'arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0',
      ]),
    );
    // Only the route's own profiles, never a consumer's or another route's.
    expect(resources.filter((r) => r.startsWith('${aws_bedrock_inference_profile.')).sort()).toEqual(
      [profiles.get('fm-prod-classify-claude-haiku-4-5')?.ref, profiles.get('fm-prod-classify-nova-micro')?.ref].sort(),
    );
  });
});

describe('profileName', () => {
  it('keeps a name within 64 characters and unique, with a hash of the whole past the limit', () => {
    expect(profileName(['fm', 'prod', 'chat', 'nova-lite'])).toBe('fm-prod-chat-nova-lite');
    const long = profileName(['fm', 'prod', 'a-very-long-route-name', 'a-very-long-model-name-v2', 'batch-analytics']);
    const other = profileName(['fm', 'prod', 'a-very-long-route-name', 'a-very-long-model-name-v2', 'batch-analytic2']);
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toBe('fm-prod-a-very-long-route-name-a-very-long-model-name-v-8a6fa481');
    expect(long).toHaveLength(64);
    expect(long).not.toBe(other);
    expect(long).toMatch(/^([0-9a-zA-Z:.][ _-]?)+$/);
  });
});
