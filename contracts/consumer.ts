/**
 * Who made a request: the consumer team whose key it carried.
 *
 * Written by the API-key authorizer (functions/authorizer) into the authorizer context API Gateway passes to the
 * router (`requestContext.authorizer.consumer`), next to the usage identifier it returns so usage
 * plans still apply. Read by the router for spend limits, cost metrics and the routing record.
 * Locally (`npm run dev`) the dev gateway sets the same context from the header below; in Lambda
 * the header is never trusted, since any caller could send it.
 */
export const CONSUMER_CONTEXT_KEY = 'consumer';

/** The header naming the consumer in `npm run dev` (the dev gateway turns it into authorizer context). */
export const LOCAL_CONSUMER_HEADER = 'x-fm-consumer';
