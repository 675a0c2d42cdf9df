import type { TableModel } from '../../../contracts/routing-table';
import type { Backend } from './backend';
import { bedrockBackend } from './bedrock';
import { sagemakerBackend } from './sagemaker';
import { sagemakerStreamBackend } from './sagemaker-stream';
import { bedrockStreamBackend, type StreamingBackend } from './stream';

/** Backends by the table's hosting type (never by the shape of a model id). */
export const BACKENDS: Readonly<Record<TableModel['hosting'], Backend>> = {
  bedrock: bedrockBackend,
  sagemaker: sagemakerBackend,
};

/** Streaming backends by the table's hosting type. */
export const STREAM_BACKENDS: Readonly<Record<TableModel['hosting'], StreamingBackend>> = {
  bedrock: bedrockStreamBackend,
  sagemaker: sagemakerStreamBackend,
};
