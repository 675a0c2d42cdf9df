import { Aspects, TerraformDataSource, TerraformResource, type IAspect, type TerraformProvider } from 'cdktf';
import { Construct, type IConstruct } from 'constructs';
import { EnvironmentKey } from '../../modules/kms/environment-key';
import { ModelEndpoint, type ModelEndpointProps } from '../../modules/sagemaker/model-endpoint';
import type { PlannedModelOn } from '../../catalog';
import type { ProvisionContext, Provisioned } from '../provision';
import type { PlannedDisasterRecovery } from './dr';
import { endpointProps } from './provision';

/**
 * Puts every resource and data source of a construct on one provider: the DR Region's alias. The
 * modules stay Region-agnostic (ModelEndpoint and EnvironmentKey take no provider); what is Regional
 * (KMS keys, log groups, CloudWatch alarms, SageMaker resources) is created in the alias's Region, and
 * IAM (global) is the same wherever it is declared.
 */
class OnProvider implements IAspect {
  constructor(private readonly provider: TerraformProvider) {}
  visit(node: IConstruct): void {
    if (node instanceof TerraformResource || node instanceof TerraformDataSource) node.provider = this.provider;
  }
}

/**
 * The DR endpoints of an environment's SageMaker models, each in its DR Region through that Region's
 * provider alias: the module instantiated a second time with the DR endpoint's name (so its execution
 * role and alarms have names of their own), the replica bucket's weights, and a key of that Region
 * (KMS keys are Regional) for its volume and log group. The router may invoke exactly these endpoints.
 */
export function provisionDisasterRecovery(
  scope: Construct,
  models: readonly PlannedModelOn<'sagemaker'>[],
  { plan, routerRole, regionProviders }: ProvisionContext,
): Provisioned & { readonly endpoints: ReadonlyMap<string, ModelEndpoint> } {
  const withDr = models.flatMap((m) =>
    m.hosting.disasterRecovery !== undefined ? [{ model: m, dr: m.hosting.disasterRecovery }] : [],
  );
  const endpointNames: string[] = [];
  const byModel = new Map<string, ModelEndpoint>();
  for (const region of [...new Set(withDr.map((d) => d.dr.region))]) {
    const provider = regionProviders?.get(region);
    if (provider === undefined) throw new Error(`internal error: no provider alias for the DR Region ${region}`);
    const drScope = new Construct(scope, `DisasterRecovery-${region}`);
    Aspects.of(drScope).add(new OnProvider(provider));
    const key = new EnvironmentKey(drScope, 'Key', { environment: plan.name, account: plan.account, region });
    const endpoints = withDr
      .filter((d) => d.dr.region === region)
      .map(
        ({ model, dr }) =>
          new ModelEndpoint(drScope, `Endpoint-${model.id}`, drEndpointProps(model, dr, plan, key.keyArn)),
      );
    for (const endpoint of endpoints) endpoint.grantInvoke(routerRole);
    withDr.filter((d) => d.dr.region === region).forEach(({ model }, i) => byModel.set(model.id, endpoints[i]));
    // This key may encrypt exactly the DR log groups of its Region.
    key.allowLogGroups(endpoints.map((e) => e.logGroupName));
    endpointNames.push(...endpoints.map((e) => e.endpointName));
  }
  return {
    outputs: withDr.length ? { sagemaker_dr_endpoint_names: endpointNames } : {},
    dashboardEndpointNames: [],
    // Encrypted with the DR Region's key above, not the environment key.
    logGroupNames: [],
    endpoints: byModel,
  };
}

function drEndpointProps(
  model: PlannedModelOn<'sagemaker'>,
  dr: PlannedDisasterRecovery,
  plan: ProvisionContext['plan'],
  kmsKeyArn: string,
): ModelEndpointProps {
  // Same environment, capacity and roll-out as the primary; its own name, image, weights, key and Region.
  return {
    ...endpointProps(model.hosting, plan, kmsKeyArn),
    endpointName: dr.endpointName,
    image: dr.image,
    modelDataUrl: dr.modelDataUrl,
    // Model packages are Regional: the primary's package ARN cannot build a model here. Terraform builds the
    // first DR model from the replica of the catalog's weights; the deployment pipeline's DR phase then moves
    // the endpoint to each version the primary serves (its image and replicated weights), so Terraform
    // creates the endpoint once and leaves its configuration alone, as for the primary.
    modelPackageArn: undefined,
    pipelineManaged: model.hosting.modelRegistry !== undefined,
    adapters: dr.adapters,
    region: dr.region,
  };
}
