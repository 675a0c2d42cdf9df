import { changeConsumerKeys } from '../catalog/consumer-keys';
import { CatalogValidationError } from '../catalog/issues';
import { parseOptions } from './args';

const USAGE = `usage: npm run keys -- --env NAME --consumer NAME [--revoke]

Makes a bearer key for a consumer team of environments/NAME.json and prints it once: only its
SHA-256 is written, to the consumer's "keys" in that file (commit it; the next deploy configures the
API's authorizer with it). --revoke marks every live key of the team revoked instead (the authorizer
answers 403 to them after the next deploy).`;

const o = parseOptions({ env: { type: 'string' }, consumer: { type: 'string' }, revoke: { type: 'boolean' } }, USAGE);
if (o.help || !o.env || !o.consumer) {
  console.log(USAGE);
  process.exit(o.help ? 0 : 2);
}
try {
  const change = changeConsumerKeys(o.env, o.consumer, { revoke: o.revoke === true });
  if (change.key !== undefined) {
    console.error(`wrote the new key's SHA-256 to ${change.file}; the key, shown only this once:`);
    console.log(change.key);
  } else {
    console.error(`revoked ${change.revoked} key(s) of ${o.consumer} in ${change.file}`);
  }
} catch (e) {
  console.error(e instanceof CatalogValidationError || e instanceof Error ? e.message : String(e));
  process.exit(1);
}
