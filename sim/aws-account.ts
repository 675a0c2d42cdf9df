import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer, readBody, signedRegion } from './http-sim';

/**
 * A local AWS account for `npm run preflight`: one loopback server per service, each speaking that
 * service's wire protocol as the AWS SDK v3 clients expect it (STS awsQuery XML, S3 REST-XML, API
 * Gateway, Lambda, Bedrock and AppConfig REST-JSON, Service Quotas JSON 1.1), over one account state
 * a test sets and changes. Point the real clients at it with the SDK's per-service endpoint
 * variables (`endpointVariables()`), exactly as the CLI runs against AWS.
 */
export interface SimBedrockModel {
  readonly modelId: string;
  /** @default 'ACTIVE' */
  readonly lifecycle?: 'ACTIVE' | 'LEGACY';
  /** Model access granted in the account. @default true */
  readonly authorized?: boolean;
  /** The provider's agreement (Anthropic's first-use form). @default 'AVAILABLE' */
  readonly agreement?: 'AVAILABLE' | 'PENDING' | 'NOT_AVAILABLE' | 'ERROR';
}

export interface SimDeployment {
  readonly number: number;
  /** Each GetDeployment first moves the deployment to the next of these states (a roll-out in progress). */
  progress?: SimDeployment['state'][];
  /** @default 2026-12-01T10:00:00Z */
  readonly startedAt?: string;
  state: 'BAKING' | 'COMPLETE' | 'DEPLOYING' | 'REVERTED' | 'ROLLED_BACK' | 'ROLLING_BACK' | 'VALIDATING';
  /** What GetDeployment's EventLog holds (newest first, as AppConfig returns it). */
  readonly events?: readonly { readonly type: string; readonly triggeredBy: string; readonly description: string }[];
}

export interface AccountState {
  /** The account the caller's credentials belong to (STS GetCallerIdentity). */
  account: string;
  buckets: Record<string, { versioning?: 'Enabled' | 'Suspended'; objects?: string[] }>;
  /** API Gateway's account setting, per Region. */
  apiGatewayCloudWatchRoleArn: Record<string, string | undefined>;
  lambda: {
    concurrentExecutions: number;
    unreservedConcurrentExecutions: number;
    /** Reserved concurrency per existing function. */
    reserved: Record<string, number>;
  };
  /** Service Quotas; a quota with a Region is listed only to a request signed for it (quotas are Regional). */
  quotas: { serviceCode: string; quotaCode: string; quotaName: string; value: number; region?: string }[];
  /** Per Region: the foundation models offered and the system inference profile ids. */
  bedrock: Record<string, { models: SimBedrockModel[]; profiles: string[] }>;
  appconfig: {
    applications: {
      id: string;
      name: string;
      environments: { id: string; name: string; deployments: SimDeployment[] }[];
    }[];
  };
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string, url: URL) => void;

class ServiceServer extends LoopbackServer {
  constructor(private readonly handler: Handler) {
    super();
  }

  protected serve(req: IncomingMessage, res: ServerResponse): void {
    readBody(req)
      .then((body) => this.handler(req, res, body, new URL(req.url ?? '/', 'http://127.0.0.1')))
      .catch((err: unknown) => {
        if (!res.headersSent) json(res, 500, { message: String(err) }, 'InternalFailure');
      });
  }
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  errorType?: string,
  contentType = 'application/json',
): void {
  res.writeHead(status, {
    'content-type': contentType,
    'x-amzn-requestid': `sim-${Date.now()}`,
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(JSON.stringify(body));
}

function xml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amz-request-id': `sim-${Date.now()}` });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`);
}

const SERVICES = ['sts', 's3', 'apigateway', 'lambda', 'servicequotas', 'bedrock', 'appconfig'] as const;
type Service = (typeof SERVICES)[number];

/** The SDK's per-service endpoint variable of each service (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html). */
const ENDPOINT_VARIABLES: Record<Service, string> = {
  sts: 'AWS_ENDPOINT_URL_STS',
  s3: 'AWS_ENDPOINT_URL_S3',
  apigateway: 'AWS_ENDPOINT_URL_API_GATEWAY',
  lambda: 'AWS_ENDPOINT_URL_LAMBDA',
  servicequotas: 'AWS_ENDPOINT_URL_SERVICE_QUOTAS',
  bedrock: 'AWS_ENDPOINT_URL_BEDROCK',
  appconfig: 'AWS_ENDPOINT_URL_APPCONFIG',
};

export class AwsAccountSim {
  readonly state: AccountState;
  /** Every request served: service, method, path (with query), Region signed for. */
  readonly calls: { service: Service; method: string; path: string; region: string }[] = [];
  private readonly servers: Record<Service, ServiceServer>;
  /** Services that answer every call with AccessDeniedException (JSON services). */
  readonly denied = new Set<Service>();

  constructor(state: AccountState) {
    this.state = state;
    const record =
      (service: Service, handler: Handler): Handler =>
      (req, res, body, url) => {
        this.calls.push({
          service,
          method: req.method ?? '',
          path: url.pathname + url.search,
          region: signedRegion(req),
        });
        if (this.denied.has(service)) {
          json(res, 403, { message: `not authorized to call ${service} (simulated)` }, 'AccessDeniedException');
          return;
        }
        handler(req, res, body, url);
      };
    this.servers = {
      sts: new ServiceServer(record('sts', (_req, res, body) => this.sts(res, body))),
      s3: new ServiceServer(record('s3', (req, res, _b, url) => this.s3(req, res, url))),
      apigateway: new ServiceServer(record('apigateway', (req, res, _b, url) => this.apigateway(req, res, url))),
      lambda: new ServiceServer(record('lambda', (_req, res, _b, url) => this.lambda(res, url))),
      servicequotas: new ServiceServer(record('servicequotas', (req, res, body) => this.serviceQuotas(req, res, body))),
      bedrock: new ServiceServer(record('bedrock', (req, res, _b, url) => this.bedrock(req, res, url))),
      appconfig: new ServiceServer(record('appconfig', (_req, res, _b, url) => this.appconfig(res, url))),
    };
  }

  async listen(): Promise<void> {
    for (const s of SERVICES) await this.servers[s].listen();
  }

  async close(): Promise<void> {
    for (const s of SERVICES) await this.servers[s].close();
  }

  /** The environment variables that point the AWS SDK's clients at this account, with fake keys. */
  endpointVariables(): Record<string, string> {
    return {
      ...Object.fromEntries(SERVICES.map((s) => [ENDPOINT_VARIABLES[s], this.servers[s].url])),
      AWS_ACCESS_KEY_ID: 'AKIDSIMULATED',
      AWS_SECRET_ACCESS_KEY: 'simulated',
      AWS_EC2_METADATA_DISABLED: 'true',
    };
  }

  // STS, awsQuery: a form-encoded POST, an XML answer.
  private sts(res: ServerResponse, body: string): void {
    const action = new URLSearchParams(body).get('Action');
    if (action !== 'GetCallerIdentity') {
      xml(
        res,
        400,
        `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>${action ?? ''}</Message></Error></ErrorResponse>`,
      );
      return;
    }
    const a = this.state.account;
    xml(
      res,
      200,
      `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:sts::${a}:assumed-role/fm-platform-deploy/sim</Arn><UserId>AROASIM:sim</UserId><Account>${a}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>sim</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    );
  }

  // S3, REST-XML, path-style (the SDK uses path-style addressing for an IP endpoint).
  private s3(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const [, bucketName, ...keyParts] = url.pathname.split('/');
    const bucket = this.state.buckets[decodeURIComponent(bucketName ?? '')];
    const key = keyParts.map(decodeURIComponent).join('/');
    const notFound = (code: string) => {
      if (req.method === 'HEAD') {
        res.writeHead(404, { 'x-amz-request-id': 'sim' });
        res.end();
      } else xml(res, 404, `<Error><Code>${code}</Code><Message>not found</Message></Error>`);
    };
    if (!bucket) return notFound('NoSuchBucket');
    if (req.method === 'HEAD' && key === '') {
      res.writeHead(200, { 'x-amz-bucket-region': signedRegion(req) });
      res.end();
      return;
    }
    if (req.method === 'GET' && key === '' && url.searchParams.has('versioning')) {
      xml(
        res,
        200,
        `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${bucket.versioning ? `<Status>${bucket.versioning}</Status>` : ''}</VersioningConfiguration>`,
      );
      return;
    }
    if (req.method === 'HEAD' && key !== '') {
      if (!(bucket.objects ?? []).includes(key)) return notFound('NoSuchKey');
      res.writeHead(200, { 'content-length': '0', 'last-modified': new Date(0).toUTCString(), etag: '"sim"' });
      res.end();
      return;
    }
    xml(res, 400, `<Error><Code>NotImplemented</Code><Message>${req.method ?? ''} ${url.pathname}</Message></Error>`);
  }

  // API Gateway, REST-JSON: GET /account.
  private apigateway(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.method !== 'GET' || url.pathname !== '/account') {
      json(res, 404, { message: `unknown ${url.pathname}` }, 'NotFoundException');
      return;
    }
    const role = this.state.apiGatewayCloudWatchRoleArn[signedRegion(req)];
    json(res, 200, {
      ...(role ? { cloudwatchRoleArn: role } : {}),
      throttleSettings: { burstLimit: 5000, rateLimit: 10000 },
      features: ['UsagePlans'],
      apiKeyVersion: '4',
    });
  }

  // Lambda, REST-JSON: account settings and a function's reserved concurrency.
  private lambda(res: ServerResponse, url: URL): void {
    if (url.pathname === '/2016-08-19/account-settings') {
      const l = this.state.lambda;
      json(res, 200, {
        AccountLimit: {
          ConcurrentExecutions: l.concurrentExecutions,
          UnreservedConcurrentExecutions: l.unreservedConcurrentExecutions,
          CodeSizeUnzipped: 262144000,
          CodeSizeZipped: 52428800,
          TotalCodeSize: 80530636800,
        },
        AccountUsage: { FunctionCount: Object.keys(l.reserved).length, TotalCodeSize: 0 },
      });
      return;
    }
    const m = /^\/2019-09-30\/functions\/([^/]+)\/concurrency$/.exec(url.pathname);
    if (m) {
      const name = decodeURIComponent(m[1]);
      if (!(name in this.state.lambda.reserved)) {
        json(res, 404, { Type: 'User', message: `Function not found: ${name}` }, 'ResourceNotFoundException');
        return;
      }
      json(res, 200, { ReservedConcurrentExecutions: this.state.lambda.reserved[name] });
      return;
    }
    json(res, 404, { message: `unknown ${url.pathname}` }, 'ResourceNotFoundException');
  }

  // Service Quotas, AWS JSON 1.1: X-Amz-Target ServiceQuotasV20190624.<Operation>.
  private serviceQuotas(req: IncomingMessage, res: ServerResponse, body: string): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    const input = JSON.parse(body || '{}') as { ServiceCode?: string; QuotaCode?: string };
    const type = 'application/x-amz-json-1.1';
    if (target.endsWith('.ListServiceQuotas')) {
      const region = signedRegion(req);
      const quotas = this.state.quotas
        .filter((q) => q.serviceCode === input.ServiceCode && (q.region === undefined || q.region === region))
        .map((q) => ({
          ServiceCode: q.serviceCode,
          QuotaCode: q.quotaCode,
          QuotaName: q.quotaName,
          Value: q.value,
          Adjustable: true,
        }));
      json(res, 200, { Quotas: quotas }, undefined, type);
      return;
    }
    if (target.endsWith('.GetServiceQuota')) {
      const q = this.state.quotas.find((x) => x.serviceCode === input.ServiceCode && x.quotaCode === input.QuotaCode);
      if (!q) {
        json(res, 400, { __type: 'NoSuchResourceException', message: 'no such quota' }, undefined, type);
        return;
      }
      json(
        res,
        200,
        { Quota: { ServiceCode: q.serviceCode, QuotaCode: q.quotaCode, QuotaName: q.quotaName, Value: q.value } },
        undefined,
        type,
      );
      return;
    }
    json(res, 400, { __type: 'UnknownOperationException', message: target }, undefined, type);
  }

  // Bedrock (control plane), REST-JSON, per Region signed for.
  private bedrock(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const region = signedRegion(req);
    const offered = this.state.bedrock[region] ?? { models: [], profiles: [] };
    if (url.pathname === '/foundation-models') {
      json(res, 200, {
        modelSummaries: offered.models.map((m) => ({
          modelArn: `arn:aws:bedrock:${region}::foundation-model/${m.modelId}`,
          modelId: m.modelId,
          modelName: m.modelId,
          providerName: m.modelId.split('.')[0],
          modelLifecycle: { status: m.lifecycle ?? 'ACTIVE' },
          inferenceTypesSupported: ['ON_DEMAND'],
        })),
      });
      return;
    }
    const availability = /^\/foundation-model-availability\/(.+)$/.exec(url.pathname);
    if (availability) {
      const id = decodeURIComponent(availability[1]);
      const m = offered.models.find((x) => x.modelId === id);
      if (!m) {
        json(res, 404, { message: `The provided model identifier is invalid: ${id}` }, 'ResourceNotFoundException');
        return;
      }
      json(res, 200, {
        modelId: id,
        agreementAvailability: { status: m.agreement ?? 'AVAILABLE' },
        authorizationStatus: (m.authorized ?? true) ? 'AUTHORIZED' : 'NOT_AUTHORIZED',
        entitlementAvailability: 'AVAILABLE',
        regionAvailability: 'AVAILABLE',
      });
      return;
    }
    if (url.pathname === '/inference-profiles') {
      json(res, 200, {
        inferenceProfileSummaries: offered.profiles.map((id) => ({
          inferenceProfileId: id,
          inferenceProfileName: id,
          inferenceProfileArn: `arn:aws:bedrock:${region}:${this.state.account}:inference-profile/${id}`,
          models: [],
          status: 'ACTIVE',
          type: 'SYSTEM_DEFINED',
        })),
      });
      return;
    }
    json(res, 404, { message: `unknown ${url.pathname}` }, 'ResourceNotFoundException');
  }

  // AppConfig, REST-JSON: applications, environments, deployments.
  // AppConfig's timestamps are RFC 3339 strings.
  private appconfig(res: ServerResponse, url: URL): void {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const apps = this.state.appconfig.applications;
    if (parts.length === 1 && parts[0] === 'applications') {
      json(res, 200, { Items: apps.map((a) => ({ Id: a.id, Name: a.name })) });
      return;
    }
    const app = apps.find((a) => a.id === parts[1]);
    if (!app) {
      json(res, 404, { Message: `Application ${parts[1]} not found` }, 'ResourceNotFoundException');
      return;
    }
    if (parts.length === 3 && parts[2] === 'environments') {
      json(res, 200, {
        Items: app.environments.map((e) => ({
          ApplicationId: app.id,
          Id: e.id,
          Name: e.name,
          State: 'READY_FOR_DEPLOYMENT',
        })),
      });
      return;
    }
    const env = app.environments.find((e) => e.id === parts[3]);
    if (!env || parts[4] !== 'deployments') {
      json(res, 404, { Message: `Environment ${parts[3]} not found` }, 'ResourceNotFoundException');
      return;
    }
    const summary = (d: SimDeployment) => ({
      DeploymentNumber: d.number,
      ConfigurationName: 'routing-table',
      ConfigurationVersion: '1',
      DeploymentDurationInMinutes: 0,
      GrowthType: 'LINEAR',
      GrowthFactor: 100,
      FinalBakeTimeInMinutes: 0,
      State: d.state,
      PercentageComplete: d.state === 'COMPLETE' ? 100 : 50,
      StartedAt: d.startedAt ?? '2026-12-01T10:00:00.000Z',
    });
    if (parts.length === 5) {
      json(res, 200, { Items: [...env.deployments].sort((a, b) => b.number - a.number).map(summary) });
      return;
    }
    const d = env.deployments.find((x) => x.number === Number(parts[5]));
    if (!d) {
      json(res, 404, { Message: `Deployment ${parts[5]} not found` }, 'ResourceNotFoundException');
      return;
    }
    const next = d.progress?.shift();
    if (next) d.state = next;
    json(res, 200, {
      ApplicationId: app.id,
      EnvironmentId: env.id,
      DeploymentStrategyId: 'sim',
      ConfigurationProfileId: 'sim',
      ...summary(d),
      EventLog: (d.events ?? []).map((e) => ({
        EventType: e.type,
        TriggeredBy: e.triggeredBy,
        Description: e.description,
        OccurredAt: '2026-12-01T10:01:00.000Z',
      })),
    });
  }
}
