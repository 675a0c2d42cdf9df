/** The parts of an API Gateway REST proxy event and result the router uses. */
export interface APIGatewayProxyEventLike {
  readonly httpMethod: string;
  readonly resource?: string;
  readonly path: string;
  readonly pathParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly body: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: {
    readonly requestId?: string;
    /** Set by the API-key authorizer (contracts/consumer.ts); absent for SigV4 callers. */
    readonly authorizer?: Readonly<Record<string, string | number | boolean | undefined>> | null;
  };
}

export interface APIGatewayProxyResultLike {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}
