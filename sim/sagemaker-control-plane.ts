import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, readBody, signedRegion } from './http-sim';

/**
 * SageMaker's control plane for the model deployment pipeline, on loopback: the Model Registry
 * (DescribeModelPackage, ListModelPackages), models, endpoint configurations and an endpoint's update
 * (CreateModel, CreateEndpointConfig, UpdateEndpoint, DescribeEndpoint, DescribeEndpointConfig,
 * DescribeModel, DeleteEndpointConfig, DeleteModel), in SageMaker's AWS JSON 1.1 protocol
 * (`X-Amz-Target: SageMaker.<Operation>`), and, on the same port, CloudWatch's DescribeAlarms in its AWS
 * JSON 1.0 protocol (`X-Amz-Target: GraniteServiceVersion20100801.DescribeAlarms`), which is where the
 * pipeline reads the alarm that rolled an update back. The real `@aws-sdk/client-sagemaker` and
 * `@aws-sdk/client-cloudwatch` talk to it (`endpoint: sim.url`).
 *
 * An update moves the endpoint through the states a blue/green deployment does: `Updating` for
 * `updatingPolls` DescribeEndpoint calls, then, by the fault set on the endpoint,
 * - none: `InService` on the new configuration;
 * - `alarm`: the alarm goes to ALARM, the endpoint is `RollingBack` for `rollingBackPolls` calls, then
 *   `InService` on the old configuration with no FailureReason (SageMaker may clear it after an
 *   auto-rollback: https://github.com/hashicorp/terraform-provider-aws/pull/49020);
 * - `provisioning`: the green fleet never starts: `InService` on the old configuration, FailureReason set;
 * - `failed`: the endpoint is `Failed` with a FailureReason.
 * Deleting an endpoint configuration that an endpoint uses succeeds, as it does at SageMaker (which is
 * how provider 5.100.0's create_before_destroy strands an endpoint).
 */

export type UpdateFault =
  | { readonly kind: 'alarm'; readonly alarmName: string }
  | { readonly kind: 'provisioning'; readonly reason?: string }
  | { readonly kind: 'failed'; readonly reason?: string };

interface SimPackage {
  arn: string;
  group: string;
  version: number;
  approval: 'Approved' | 'Rejected' | 'PendingManualApproval';
  image: string;
  modelDataUrl: string;
  created: number;
}

interface SimEndpoint {
  name: string;
  configName: string;
  status: 'InService' | 'Updating' | 'RollingBack' | 'Failed' | 'SystemUpdating';
  failureReason?: string;
  lastDeploymentConfig?: unknown;
  pending?: { configName: string; polls: number; fault?: UpdateFault; phase: 'updating' | 'rolling-back' };
  nextFault?: UpdateFault;
}

const TARGET_SAGEMAKER = 'SageMaker.';
const TARGET_CLOUDWATCH = 'GraniteServiceVersion20100801.';

class SimError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export class SageMakerControlPlaneSim extends LoopbackServer {
  readonly packages = new Map<string, SimPackage>();
  readonly models = new Map<string, Record<string, unknown>>();
  readonly configs = new Map<string, Record<string, unknown>>();
  readonly endpoints = new Map<string, SimEndpoint>();
  /** CloudWatch alarm states by name. */
  readonly alarms = new Map<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>();
  /** Every call: the operation and its input. */
  readonly calls: { operation: string; input: Record<string, unknown>; region: string }[] = [];
  /** Calls of an operation still to answer with ThrottlingException (the account's control-plane rate). */
  readonly throttle = new Map<string, number>();
  /** DescribeEndpoint calls an update stays `Updating` (and an alarm rollback `RollingBack`). */
  updatingPolls = 2;
  rollingBackPolls = 2;

  constructor(
    readonly account = '111111111111',
    readonly region = 'us-east-1',
  ) {
    super();
  }

  /** Registers a version in a group (the training pipeline's CreateModelPackage). */
  registerPackage(
    group: string,
    version: number,
    approval: SimPackage['approval'] = 'Approved',
    modelDataUrl = `s3://artifacts/${group}/${version}/`,
  ): string {
    const arn = `arn:aws:sagemaker:${this.region}:${this.account}:model-package/${group}/${version}`;
    this.packages.set(arn, {
      arn,
      group,
      version,
      approval,
      image: `763104351884.dkr.ecr.${this.region}.amazonaws.com/djl-inference:0.31.0-lmi13.0.0-cu124`,
      modelDataUrl,
      created: 1_764_000_000 + version,
    });
    return arn;
  }

  /**
   * An endpoint as Terraform created it: a model from the package (or from `container`, a DR model built
   * from an image and weights), a configuration, InService.
   */
  createEndpoint(
    name: string,
    packageArnOrContainer: string | Record<string, unknown>,
    variant: Record<string, unknown> = { InstanceType: 'ml.g5.2xlarge', InitialInstanceCount: 1 },
    initial = `${name}-tf0000000`,
  ): void {
    const container =
      typeof packageArnOrContainer === 'string' ? { ModelPackageName: packageArnOrContainer } : packageArnOrContainer;
    this.models.set(initial, { ModelName: initial, PrimaryContainer: container });
    this.configs.set(initial, {
      EndpointConfigName: initial,
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: initial, InitialVariantWeight: 1, ...variant }],
    });
    this.endpoints.set(name, { name, configName: initial, status: 'InService' });
    for (const suffix of ['5xx', 'model-latency-p99']) this.alarms.set(`${name}-${suffix}`, 'OK');
  }

  /** The next UpdateEndpoint of `endpoint` goes wrong this way. */
  failNextUpdate(endpoint: string, fault: UpdateFault): void {
    const e = this.endpoints.get(endpoint);
    if (!e) throw new Error(`no simulated endpoint ${endpoint}`);
    e.nextFault = fault;
  }

  /** The model an endpoint serves, through its configuration. */
  servingModel(endpoint: string): Record<string, unknown> | undefined {
    const e = this.endpoints.get(endpoint);
    const config = e && this.configs.get(e.configName);
    const variants = config?.ProductionVariants as { ModelName: string }[] | undefined;
    return variants && this.models.get(variants[0].ModelName);
  }

  /** The version a model's container names, through the endpoint's configuration (what is serving). */
  servingPackage(endpoint: string): string | undefined {
    return (this.servingModel(endpoint)?.PrimaryContainer as { ModelPackageName?: string } | undefined)
      ?.ModelPackageName;
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
    readBody(req)
      .then((body) => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const input = JSON.parse(body || '{}') as Record<string, unknown>;
        const cloudwatch = target.startsWith(TARGET_CLOUDWATCH);
        const operation = target.slice(cloudwatch ? TARGET_CLOUDWATCH.length : TARGET_SAGEMAKER.length);
        this.calls.push({ operation, input, region: signedRegion(req) });
        const type = cloudwatch ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
        try {
          const out =
            cloudwatch || !target.startsWith(TARGET_SAGEMAKER)
              ? cloudwatch
                ? this.cloudwatch(operation, input)
                : fail('UnknownOperationException', `unknown target ${target}`)
              : this.sagemaker(operation, input);
          res.writeHead(200, { 'content-type': type, 'x-amzn-requestid': `sim-${Date.now()}` });
          res.end(JSON.stringify(out));
        } catch (err) {
          const e = err instanceof SimError ? err : new SimError('InternalFailure', String(err));
          res.writeHead(e.type === 'InternalFailure' ? 500 : 400, {
            'content-type': type,
            'x-amzn-requestid': `sim-${Date.now()}`,
          });
          res.end(JSON.stringify({ __type: e.type, message: e.message }));
        }
      })
      .catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500).end(String(err));
      });
  }

  private cloudwatch(operation: string, input: Record<string, unknown>): unknown {
    if (operation !== 'DescribeAlarms') fail('UnknownOperationException', operation);
    const names = (input.AlarmNames as string[] | undefined) ?? [...this.alarms.keys()];
    const alarms = names
      .filter((n) => this.alarms.has(n))
      .map((n) => ({
        AlarmName: n,
        AlarmArn: `arn:aws:cloudwatch:${this.region}:${this.account}:alarm:${n}`,
        StateValue: this.alarms.get(n),
        StateReason: this.alarms.get(n) === 'ALARM' ? 'Threshold Crossed (simulated)' : 'ok',
      }))
      .filter((a) => input.StateValue === undefined || a.StateValue === input.StateValue);
    return { MetricAlarms: alarms, CompositeAlarms: [] };
  }

  private sagemaker(operation: string, input: Record<string, unknown>): unknown {
    const throttled = this.throttle.get(operation) ?? 0;
    if (throttled > 0) {
      this.throttle.set(operation, throttled - 1);
      fail('ThrottlingException', 'Rate exceeded (simulated)');
    }
    const name = (key: string) => (typeof input[key] === 'string' ? input[key] : '');
    switch (operation) {
      case 'DescribeModelPackage': {
        const p = this.packageNamed(name('ModelPackageName'));
        return {
          ModelPackageName: p.group,
          ModelPackageGroupName: p.group,
          ModelPackageVersion: p.version,
          ModelPackageArn: p.arn,
          ModelPackageStatus: 'Completed',
          ModelApprovalStatus: p.approval,
          CreationTime: p.created,
          InferenceSpecification: {
            Containers: [{ Image: p.image, ModelDataUrl: p.modelDataUrl }],
            SupportedContentTypes: ['application/json'],
            SupportedResponseMIMETypes: ['application/json'],
          },
        };
      }
      case 'ListModelPackages': {
        const group = name('ModelPackageGroupName');
        const list = [...this.packages.values()]
          .filter((p) => p.group === group)
          .filter((p) => input.ModelApprovalStatus === undefined || p.approval === input.ModelApprovalStatus)
          .sort((a, b) => (input.SortOrder === 'Ascending' ? a.created - b.created : b.created - a.created))
          .slice(0, Number(input.MaxResults ?? 100));
        return {
          ModelPackageSummaryList: list.map((p) => ({
            ModelPackageGroupName: p.group,
            ModelPackageVersion: p.version,
            ModelPackageArn: p.arn,
            CreationTime: p.created,
            ModelPackageStatus: 'Completed',
            ModelApprovalStatus: p.approval,
          })),
        };
      }
      case 'CreateModel': {
        const modelName = name('ModelName');
        if (this.models.has(modelName))
          fail('ValidationException', `Cannot create already existing model "${modelName}"`);
        const container = input.PrimaryContainer as { ModelPackageName?: string } | undefined;
        if (container?.ModelPackageName !== undefined) this.packageNamed(container.ModelPackageName);
        if (input.ExecutionRoleArn === undefined) fail('ValidationException', 'ExecutionRoleArn is required');
        this.models.set(modelName, input);
        return { ModelArn: this.arn('model', modelName) };
      }
      case 'DescribeModel': {
        const m = this.models.get(name('ModelName'));
        if (!m) fail('ValidationException', `Could not find model "${name('ModelName')}".`);
        return { ...m, ModelArn: this.arn('model', name('ModelName')), CreationTime: 1_764_000_000 };
      }
      case 'DeleteModel':
        if (!this.models.delete(name('ModelName')))
          fail('ValidationException', `Could not find model "${name('ModelName')}".`);
        return {};
      case 'CreateEndpointConfig': {
        const configName = name('EndpointConfigName');
        if (this.configs.has(configName))
          fail('ValidationException', `Cannot create already existing endpoint configuration "${configName}".`);
        const variants = (input.ProductionVariants as { ModelName?: string }[] | undefined) ?? [];
        if (variants.length === 0) fail('ValidationException', 'ProductionVariants is required');
        for (const v of variants)
          if (!this.models.has(String(v.ModelName)))
            fail('ValidationException', `Could not find model "${v.ModelName}".`);
        this.configs.set(configName, input);
        return { EndpointConfigArn: this.arn('endpoint-config', configName) };
      }
      case 'DescribeEndpointConfig': {
        const c = this.configs.get(name('EndpointConfigName'));
        if (!c) fail('ValidationException', `Could not find endpoint configuration "${name('EndpointConfigName')}".`);
        return {
          ...c,
          EndpointConfigArn: this.arn('endpoint-config', name('EndpointConfigName')),
          CreationTime: 1_764_000_000,
        };
      }
      case 'DeleteEndpointConfig':
        if (!this.configs.delete(name('EndpointConfigName')))
          fail('ValidationException', `Could not find endpoint configuration "${name('EndpointConfigName')}".`);
        return {};
      case 'UpdateEndpoint': {
        const e = this.endpointNamed(name('EndpointName'));
        if (e.status !== 'InService')
          fail('ValidationException', `Cannot update in-progress endpoint "${this.arn('endpoint', e.name)}".`);
        const next = this.configs.get(name('EndpointConfigName'));
        if (!next)
          fail('ValidationException', `Could not find endpoint configuration "${name('EndpointConfigName')}".`);
        const variant = (c: Record<string, unknown> | undefined) =>
          (c?.ProductionVariants as { VariantName: string }[] | undefined)?.[0]?.VariantName;
        if (variant(next) !== variant(this.configs.get(e.configName)))
          fail('ValidationException', 'blue/green deployments need the same variant name in the new configuration');
        e.status = 'Updating';
        e.failureReason = undefined;
        e.lastDeploymentConfig = input.DeploymentConfig;
        e.pending = { configName: name('EndpointConfigName'), polls: 0, fault: e.nextFault, phase: 'updating' };
        e.nextFault = undefined;
        return { EndpointArn: this.arn('endpoint', e.name) };
      }
      case 'DescribeEndpoint': {
        const e = this.endpointNamed(name('EndpointName'));
        this.advance(e);
        return {
          EndpointName: e.name,
          EndpointArn: this.arn('endpoint', e.name),
          EndpointConfigName: e.configName,
          EndpointStatus: e.status,
          ...(e.failureReason !== undefined ? { FailureReason: e.failureReason } : {}),
          ...(e.lastDeploymentConfig !== undefined ? { LastDeploymentConfig: e.lastDeploymentConfig } : {}),
          ProductionVariants: [{ VariantName: 'AllTraffic', CurrentInstanceCount: 1 }],
          CreationTime: 1_764_000_000,
          LastModifiedTime: 1_764_000_100,
        };
      }
      default:
        return fail('UnknownOperationException', `SageMaker.${operation} is not simulated`);
    }
  }

  /** One DescribeEndpoint's worth of progress of an update. */
  private advance(e: SimEndpoint): void {
    const p = e.pending;
    if (!p) return;
    p.polls += 1;
    if (p.phase === 'updating') {
      if (p.polls < this.updatingPolls) return;
      const fault = p.fault;
      if (fault === undefined) {
        e.configName = p.configName;
        e.status = 'InService';
        e.pending = undefined;
      } else if (fault.kind === 'alarm') {
        this.alarms.set(fault.alarmName, 'ALARM');
        e.status = 'RollingBack';
        p.phase = 'rolling-back';
        p.polls = 0;
      } else if (fault.kind === 'provisioning') {
        e.status = 'InService';
        e.failureReason = fault.reason ?? 'Failed to provision the new production variant (simulated)';
        e.pending = undefined;
      } else {
        e.status = 'Failed';
        e.failureReason = fault.reason ?? 'The endpoint update failed (simulated)';
        e.pending = undefined;
      }
      return;
    }
    if (p.polls < this.rollingBackPolls) return;
    e.status = 'InService';
    e.pending = undefined;
  }

  private packageNamed(nameOrArn: string): SimPackage {
    const p = this.packages.get(nameOrArn);
    if (!p) fail('ValidationException', `ModelPackage ${nameOrArn} does not exist.`);
    return p;
  }

  private endpointNamed(endpointName: string): SimEndpoint {
    const e = this.endpoints.get(endpointName);
    if (!e) fail('ValidationException', `Could not find endpoint "${this.arn('endpoint', endpointName)}".`);
    return e;
  }

  private arn(type: string, resourceName: string): string {
    // SageMaker ARNs carry the name in lower case.
    return `arn:aws:sagemaker:${this.region}:${this.account}:${type}/${resourceName.toLowerCase()}`;
  }
}

function fail(type: string, message: string): never {
  throw new SimError(type, message);
}
