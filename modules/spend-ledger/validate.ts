import { rule, type PropsRule } from '../validation';
import type { SpendLedgerTableProps } from './spend-ledger-table';

/** DynamoDB table names (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html). */
const TABLE_NAME = /^[a-zA-Z0-9_.-]{3,255}$/;

export const SPEND_LEDGER_TABLE_RULES: readonly PropsRule<SpendLedgerTableProps>[] = [
  rule({
    value: (p) => p.tableName,
    fails: (name) => !TABLE_NAME.test(name),
    message: (name) =>
      `table name must be 3 to 255 letters, digits, underscores, hyphens and dots, but ${name} was provided`,
  }),
];
