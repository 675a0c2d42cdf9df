import { API_OPERATIONS, isStreamingOperation, resourcePath, type ApiOperation } from '../../contracts/http-api';

/**
 * The platform API as an OpenAPI 3.0.1 document with API Gateway's extensions: the `body` of the
 * REST API (modules/api/platform-api.ts). Why a document and not aws_api_gateway_method and
 * _integration resources: the streaming operations need an integration whose
 * `responseTransferMode` is STREAM, which provider 5.100.0's aws_api_gateway_integration cannot set
 * (the argument came in 6.x: https://github.com/hashicorp/terraform-provider-aws/pull/45329), while an
 * imported document can. The provider's note for a REST API with a `body` is that the resources,
 * methods, integrations, authorizers and gateway responses it defines must not also be managed as
 * separate resources, so the whole API is here, one document: every operation, the authorizer,
 * the key requirement and the gateway responses.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions.html
 */

/** How a method is authorized. */
export type OpenApiAuth =
  /** SigV4 (`x-amazon-apigateway-auth` AWS_IAM). */
  | { readonly kind: 'iam' }
  /** The bearer-key REQUEST authorizer (its Lambda invoke ARN). */
  | { readonly kind: 'authorizer'; readonly authorizerUri: string };

export interface GatewayResponse {
  /** As the extension writes it: a string, `"401"`. */
  readonly statusCode: string;
  /** The `application/json` body. */
  readonly body: string;
}

export interface PlatformOpenApiProps {
  /** The API's name (`info.title`: an import renames the API after it). */
  readonly title: string;
  readonly description: string;
  readonly region: string;
  /** The buffered router: its Lambda invoke ARN (`…/2015-03-31/functions/<arn>/invocations`). */
  readonly wholeInvokeArn: string;
  /** The router's streaming twin (handler `index.streamingHandler`): its function ARN. */
  readonly streamingFunctionArn: string;
  readonly auth: OpenApiAuth;
  /** Every method requires an API key (a usage plan's), from `apiKeySource`. */
  readonly apiKeyRequired: boolean;
  readonly apiKeySource: 'HEADER' | 'AUTHORIZER';
  /** The buffered integrations' timeout. */
  readonly integrationTimeoutMs: number;
  /** The streaming integrations' timeout (up to 15 minutes). */
  readonly streamingTimeoutMs: number;
  /** Gateway responses by type (UNAUTHORIZED, ACCESS_DENIED, ...). */
  readonly gatewayResponses: Readonly<Record<string, GatewayResponse>>;
}

/** The security scheme of the bearer-key authorizer, as methods name it. */
export const AUTHORIZER_SCHEME = 'api-key-authorizer';
/** The security scheme API Gateway reads as "this method requires an API key". */
export const API_KEY_SCHEME = 'api_key';

/**
 * The integration URI of a Lambda invoked with InvokeWithResponseStream (API Gateway's STREAM mode).
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html
 */
export function streamingInvocationUri(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2021-11-15/functions/${functionArn}/response-streaming-invocations`;
}

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** The integration of one operation: a Lambda proxy, streamed where the operation may stream. */
function integration(operation: ApiOperation, props: PlatformOpenApiProps): Json {
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-integration.html
  const common = { type: 'aws_proxy', httpMethod: 'POST', passthroughBehavior: 'when_no_match' };
  if (!isStreamingOperation(operation))
    return { ...common, uri: props.wholeInvokeArn, timeoutInMillis: props.integrationTimeoutMs };
  // STREAM: API Gateway passes the router's bytes on as the Lambda writes them (after its prelude),
  // and serves no endpoint cache, content encoding or VTL response mapping on it (none is used here).
  // https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html
  return {
    ...common,
    uri: streamingInvocationUri(props.region, props.streamingFunctionArn),
    timeoutInMillis: props.streamingTimeoutMs,
    responseTransferMode: 'STREAM',
  };
}

function operationObject(operation: ApiOperation, props: PlatformOpenApiProps): Json {
  const params = API_OPERATIONS[operation].path.filter((s) => /^\{.+\}$/.test(s)).map((s) => s.slice(1, -1));
  const requirement: Record<string, readonly string[]> = {
    ...(props.auth.kind === 'authorizer' ? { [AUTHORIZER_SCHEME]: [] } : {}),
    ...(props.apiKeyRequired ? { [API_KEY_SCHEME]: [] } : {}),
  };
  return {
    operationId: operation,
    // Path parameters become required method request parameters (method.request.path.<name>).
    ...(params.length > 0
      ? { parameters: params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })) }
      : {}),
    // A proxy integration passes the router's status and headers through; OpenAPI requires one response
    // (a 200 method response with no model, as the console makes for a proxy method).
    responses: { '200': { description: "The router's answer, passed through" } },
    ...(Object.keys(requirement).length > 0 ? { security: [requirement] } : {}),
    ...(props.auth.kind === 'iam' ? { 'x-amazon-apigateway-auth': { type: 'AWS_IAM' } } : {}),
    'x-amazon-apigateway-integration': integration(operation, props),
  };
}

/** The OpenAPI document of the platform API: every operation of contracts/http-api.ts. */
export function platformOpenApi(props: PlatformOpenApiProps): Record<string, Json> {
  const paths: Record<string, Record<string, Json>> = {};
  for (const operation of Object.keys(API_OPERATIONS) as ApiOperation[]) {
    const path = resourcePath(operation);
    paths[path] = {
      ...paths[path],
      [API_OPERATIONS[operation].method.toLowerCase()]: operationObject(operation, props),
    };
  }
  const securitySchemes: Record<string, Json> = {
    // "Requires an API key": a scheme named api_key reading x-api-key, whatever the key source says.
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-key-usage-plan-oas.html
    ...(props.apiKeyRequired ? { [API_KEY_SCHEME]: { type: 'apiKey', name: 'x-api-key', in: 'header' } } : {}),
    ...(props.auth.kind === 'authorizer'
      ? {
          // REQUEST, not TOKEN: a TOKEN authorizer reads one header, and the key may come in either of
          // two. No result cache: API Gateway answers 401 without calling the authorizer when any
          // identity source is missing, so listing both headers would refuse every request carrying
          // one; the identity source is the request id (always present, one per request), so even a
          // cache turned on later could not hand one caller's verdict to another.
          // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-authorizer.html
          [AUTHORIZER_SCHEME]: {
            type: 'apiKey',
            name: 'Authorization',
            in: 'header',
            'x-amazon-apigateway-authtype': 'custom',
            'x-amazon-apigateway-authorizer': {
              type: 'request',
              authorizerUri: props.auth.authorizerUri,
              identitySource: 'context.requestId',
              authorizerResultTtlInSeconds: 0,
            },
          },
        }
      : {}),
  };
  const gatewayResponses: Record<string, Json> = {};
  for (const [type, r] of Object.entries(props.gatewayResponses))
    gatewayResponses[type] = { statusCode: r.statusCode, responseTemplates: { 'application/json': r.body } };
  return {
    openapi: '3.0.1',
    info: { title: props.title, description: props.description, version: '1' },
    paths,
    ...(Object.keys(securitySchemes).length > 0 ? { components: { securitySchemes } } : {}),
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-api-key-source.html
    'x-amazon-apigateway-api-key-source': props.apiKeySource,
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-gateway-responses.html
    ...(Object.keys(gatewayResponses).length > 0 ? { 'x-amazon-apigateway-gateway-responses': gatewayResponses } : {}),
  };
}
