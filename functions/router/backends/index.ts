import type { TableModel } from '../../../contracts/routing-table';
import type { Backend } from './backend';
import { bedrockBackend } from './bedrock';
import { sagemakerBackend } from './sagemaker';

/** Backends by the table's hosting type (never by the shape of a model id). */
export const BACKENDS: Readonly<Record<TableModel['hosting'], Backend>> = {
  bedrock: bedrockBackend,
  sagemaker: sagemakerBackend,
};
