/* The type of catalog-validators.js, the catalog and environment schemas precompiled by ajv (see catalog/generate-types.ts). */
import type { ValidateFunction } from 'ajv';

export declare const catalog: ValidateFunction;
export declare const environment: ValidateFunction;
