import { CONSUMER_CONTEXT_KEY } from '../../contracts/consumer';
import type { APIGatewayProxyEventLike } from './http-types';

/** The consumer the API-key authorizer named (contracts/consumer.ts); undefined for SigV4 callers. */
export function consumerOf(event: APIGatewayProxyEventLike): string | undefined {
  const value = event.requestContext?.authorizer?.[CONSUMER_CONTEXT_KEY];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
