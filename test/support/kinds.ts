import { pointerOf } from '../../catalog/issues';
import type { Report } from '../../catalog/rules/rule';
import type { HostingType, ModelHostedOn } from '../../hosting';
import type { ModelCatalog } from '../../schemas/generated/model-catalog';
import { modelById } from './by-id';

/** A catalog model that must be of one hosting type, typed as such. */
export function hostedModel<T extends HostingType>(catalog: ModelCatalog, id: string, type: T): ModelHostedOn<T> {
  const model = modelById(catalog, id);
  if (!isHostedOn(model, type)) throw new Error(`fixture: ${id} is hosted on ${model.hosting.type}, not ${type}`);
  return model;
}

function isHostedOn<T extends HostingType>(model: ModelCatalog['models'][number], type: T): model is ModelHostedOn<T> {
  return model.hosting.type === type;
}

/** The report a rule hands a hosting kind's hook, without a file: issues with their pointer and words. */
export const bareReport: Report = (path, message, details = {}) => ({
  severity: details.severity ?? 'error',
  rule: 'hook',
  file: 'test.json',
  pointer: pointerOf(path),
  message,
  ...details,
});
