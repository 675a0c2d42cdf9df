/** The parts of an API Gateway REST proxy event and result the router uses. */
export interface APIGatewayProxyEventLike {
  readonly httpMethod: string;
  readonly resource?: string;
  readonly path: string;
  readonly pathParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly headers?: Readonly<Record<string, string | undefined>> | null;
  readonly body: string | null;
  readonly isBase64Encoded?: boolean;
  readonly requestContext?: { readonly requestId?: string };
}

export interface APIGatewayProxyResultLike {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}
