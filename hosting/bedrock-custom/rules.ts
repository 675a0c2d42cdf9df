import { artifactsBucketOf, s3Bucket } from '../../catalog/bootstrap';
import { effectiveRoutes, modelsHostedOn, type EffectiveRoute, type EnvironmentContext } from '../../catalog/context';
import type { CatalogIssue } from '../../catalog/issues';
import type { Report, Rule } from '../../catalog/rules/rule';
import type { Model } from '../../schemas/generated/model-catalog';
import { didYouMean } from '../../suggest/did-you-mean';
import type { HostingKind, ModelHostedOn } from '../kind';

const CUSTOM_MODEL_ARN = /^arn:aws:bedrock:([a-z0-9-]+):([0-9]{12}):custom-model\//;

/** Each Bedrock custom model the environment's routes call, once, with the first route that calls it. */
function customModelsInUse(
  ctx: EnvironmentContext,
): { model: ModelHostedOn<'bedrock-custom'>; served: EffectiveRoute }[] {
  const seen = new Set<string>();
  const out: { model: ModelHostedOn<'bedrock-custom'>; served: EffectiveRoute }[] = [];
  for (const served of effectiveRoutes(ctx))
    for (const id of served.candidates) {
      const model = ctx.models.get(id)?.model;
      if (model?.hosting.type !== 'bedrock-custom' || seen.has(id)) continue;
      seen.add(id);
      out.push({ model: model as ModelHostedOn<'bedrock-custom'>, served });
    }
  return out;
}

function pastEndOfLife(model: Model, today: string): boolean {
  const end = model.lifecycle.endOfLifeOn;
  return end !== undefined && end <= today;
}

/**
 * A customization job this environment runs reads its data and writes its output as the environment's
 * service role: another account's artifacts bucket lets it read only where that environment grants
 * this one (grantRead), and never write.
 */
function customizationDataIssues(
  ctx: EnvironmentContext,
  m: ModelHostedOn<'bedrock-custom'>,
  at: (string | number)[],
  issue: Report,
): CatalogIssue[] {
  const own = ctx.env.bedrockCustom?.models;
  const c = m.hosting.customization;
  if (c === undefined || (own && Object.hasOwn(own, m.id) && own[m.id].customModelArn !== undefined)) return [];
  const ownerOf = (uri: string) =>
    ctx.environments.find((e) => e.account !== ctx.env.account && artifactsBucketOf(e) === s3Bucket(uri));
  const out: CatalogIssue[] = [];
  for (const uri of [c.trainingDataS3Uri, ...(c.validationDataS3Uri !== undefined ? [c.validationDataS3Uri] : [])]) {
    const owner = ownerOf(uri);
    if (owner && !(owner.bootstrap?.modelArtifacts?.grantRead ?? []).includes(ctx.env.name))
      out.push(
        issue(
          at,
          `the customization job of "${m.id}" reads ${uri}, in the artifacts bucket of account ${owner.account} (${owner.name}), which does not grant ${ctx.env.name} (account ${ctx.env.account}): the job could not read its data`,
          {
            expected: `data in a bucket ${ctx.env.name} owns ("${artifactsBucketOf(ctx.env)}") or is granted`,
            fix: `add "${ctx.env.name}" to bootstrap.modelArtifacts.grantRead of ${owner.name}, or copy the data to s3://${artifactsBucketOf(ctx.env)}/`,
          },
        ),
      );
  }
  const outputOwner = ownerOf(c.outputS3Uri);
  if (outputOwner)
    out.push(
      issue(
        at,
        `the customization job of "${m.id}" writes to ${c.outputS3Uri}, in the artifacts bucket of account ${outputOwner.account} (${outputOwner.name}): another account's bucket is never writable by ${ctx.env.name}`,
        { fix: `write the output to a bucket of account ${ctx.env.account}` },
      ),
    );
  return out;
}

export const BEDROCK_CUSTOM_RULES: readonly Rule[] = [
  {
    id: 'bedrock-custom-model',
    summary:
      "a Bedrock custom model names a Bedrock base model of the catalog, claims no more than its base's context window, output and input kinds, and has either a customization job or the ARN of a custom model made outside",
    catalog: (ctx, issue) =>
      modelsHostedOn(ctx, 'bedrock-custom').flatMap(({ model: m, index: i }) => {
        const h = m.hosting;
        const out: CatalogIssue[] = [];
        const base = ctx.models.get(h.baseModel)?.model;
        if (base === undefined) {
          const bedrockIds = ctx.catalog.models.filter((x) => x.hosting.type === 'bedrock').map((x) => x.id);
          const near = didYouMean(h.baseModel, bedrockIds);
          out.push(
            issue(
              ['models', i, 'hosting', 'baseModel'],
              `base model "${h.baseModel}" of "${m.id}" is not in the catalog`,
              {
                expected: 'the id of a Bedrock model in model-catalog.json /models',
                fix: near ?? 'add the base model to the catalog, or name one it has',
              },
            ),
          );
        } else if (base.hosting.type !== 'bedrock') {
          out.push(
            issue(
              ['models', i, 'hosting', 'baseModel'],
              `base model "${base.id}" of "${m.id}" is hosted on ${base.hosting.type}: only a Bedrock foundation model can be customized in Bedrock`,
              { expected: 'a model with hosting type "bedrock"', fix: 'name the Bedrock model it is customized from' },
            ),
          );
        }
        if (base?.hosting.type === 'bedrock') {
          // Customizing changes what a model answers, not its limits: it has at most its base's window,
          // output and input kinds (selection and the router trust these figures).
          const [mine, theirs] = [m.capabilities, base.capabilities];
          for (const key of ['contextWindowTokens', 'maxOutputTokens'] as const)
            if (mine[key] > theirs[key])
              out.push(
                issue(
                  ['models', i, 'capabilities', key],
                  `custom model "${m.id}" claims ${key} ${mine[key]}, above its base "${base.id}"'s ${theirs[key]}: a customization keeps its base's limits`,
                  { expected: `at most ${theirs[key]}`, fix: `set ${key} to ${theirs[key]} or less` },
                ),
              );
          const extra = mine.inputModalities.filter((x) => !theirs.inputModalities.includes(x));
          if (extra.length > 0)
            out.push(
              issue(
                ['models', i, 'capabilities', 'inputModalities'],
                `custom model "${m.id}" claims input ${extra.join(', ')}, which its base "${base.id}" does not read`,
                { fix: `keep to its base's input modalities (${theirs.inputModalities.join(', ')})` },
              ),
            );
        }
        if ((h.customization === undefined) === (h.customModelArn === undefined)) {
          out.push(
            issue(
              ['models', i, 'hosting'],
              h.customization === undefined
                ? `Bedrock custom model "${m.id}" has neither customization nor customModelArn: nothing says which custom model the throughput serves`
                : `Bedrock custom model "${m.id}" has both customization and customModelArn`,
              {
                expected:
                  'exactly one of "customization" (Terraform runs the job) and "customModelArn" (a model made outside)',
                fix:
                  h.customization === undefined
                    ? 'add "customization" with the job, or "customModelArn" of the model a pipeline made'
                    : 'keep "customization" to have Terraform train it, or "customModelArn" to serve the one made outside, not both',
              },
            ),
          );
        }
        return out;
      }),
  },
  {
    id: 'bedrock-custom-serving',
    summary:
      "a Bedrock custom model's base model is not retired or past its end of life (legacy or deprecated warns); its custom model is in the environment's account and Region; its job reads no other account's artifacts bucket that does not grant it, and writes none; bedrockCustom names Bedrock custom models",
    environment: (ctx, issue) => {
      const out: CatalogIssue[] = [];
      for (const { model: m, served } of customModelsInUse(ctx)) {
        const base = ctx.models.get(m.hosting.baseModel)?.model;
        if (base === undefined) continue; // the bedrock-custom-model rule reports it
        const l = base.lifecycle;
        const at = ['routes', served.selectionIndex];
        if (l.status === 'retired' || pastEndOfLife(base, ctx.today)) {
          out.push(
            issue(
              at,
              `custom model "${m.id}" (route "${served.route.id}") is a customization of "${base.id}", which ${l.status === 'retired' ? 'is retired' : `reached its end of life on ${l.endOfLifeOn}`}: Bedrock stops serving custom models of a base at its end of life`,
              {
                subject: m.id,
                fix: l.replacement
                  ? `customize "${l.replacement}" instead (a new model with it as baseModel) and move the route there`
                  : 'move the route to another model, and customize a current base model',
              },
            ),
          );
        } else if (l.status === 'legacy' || l.status === 'deprecated') {
          out.push(
            issue(
              at,
              `custom model "${m.id}" (route "${served.route.id}") is a customization of ${l.status} "${base.id}"${l.endOfLifeOn ? `, end of life ${l.endOfLifeOn}` : ''}`,
              {
                severity: 'warning',
                fix: l.replacement
                  ? `plan a customization of "${l.replacement}" before then`
                  : 'plan a customization of a current base model',
              },
            ),
          );
        }
        out.push(...customizationDataIssues(ctx, m, at, issue));
        const own = ctx.env.bedrockCustom?.models;
        const ownArn = own && Object.hasOwn(own, m.id) ? own[m.id].customModelArn : undefined;
        const arn = ownArn ?? m.hosting.customModelArn;
        const parsed = arn === undefined ? null : CUSTOM_MODEL_ARN.exec(arn);
        if (arn !== undefined && parsed && (parsed[1] !== ctx.env.region || parsed[2] !== ctx.env.account)) {
          out.push(
            issue(
              ownArn !== undefined ? ['bedrockCustom', 'models', m.id, 'customModelArn'] : at,
              `custom model "${m.id}" is ${arn}, in ${parsed[2]} ${parsed[1]}, but ${ctx.env.name} runs in ${ctx.env.account} ${ctx.env.region}: Provisioned Throughput serves only a custom model of its own account and Region`,
              {
                expected: `arn:aws:bedrock:${ctx.env.region}:${ctx.env.account}:custom-model/...`,
                fix: `give this environment its own copy in bedrockCustom.models["${m.id}"].customModelArn (copy the model into the account, or run the pipeline there)`,
              },
            ),
          );
        }
      }
      for (const id of Object.keys(ctx.env.bedrockCustom?.models ?? {})) {
        const m = ctx.models.get(id)?.model;
        if (m !== undefined && m.hosting.type !== 'bedrock-custom')
          out.push(
            issue(
              ['bedrockCustom', 'models', id],
              `model "${id}" is hosted on ${m.hosting.type}, not a Bedrock custom model: it has no Provisioned Throughput to size`,
              { fix: `remove it from bedrockCustom.models` },
            ),
          );
      }
      return out;
    },
  },
];

/** Provisioned Throughput bills per model-unit hour while it exists, whatever the traffic: that price, and no token or instance price. */
export const bedrockCustomPricingIssues: HostingKind<'bedrock-custom'>['pricingIssues'] = (m, issue) => {
  const p = m.pricing;
  const out: CatalogIssue[] = [];
  if (p.modelUnitHourUsd === undefined)
    out.push(
      issue(['pricing'], `Bedrock custom model "${m.id}" has no modelUnitHourUsd`, {
        fix: `add "modelUnitHourUsd": the no-commitment Provisioned Throughput price per model unit and hour of its base model "${m.hosting.baseModel}" (Amazon Bedrock pricing page)`,
      }),
    );
  for (const key of ['inputPerMillionTokensUsd', 'outputPerMillionTokensUsd', 'instanceHourUsd'] as const)
    if (p[key] !== undefined)
      out.push(
        issue(
          ['pricing', key],
          `Bedrock custom model "${m.id}" is billed per model-unit hour of Provisioned Throughput, not by ${key.startsWith('instance') ? 'instance-hour' : 'token'}`,
          { fix: `remove "${key}"` },
        ),
      );
  return out;
};
