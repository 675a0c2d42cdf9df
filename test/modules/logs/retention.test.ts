import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS } from '../../../modules/logs/retention';

describe('log retention', () => {
  it('accepts exactly the retention values the environment schema offers, the default among them', () => {
    const schema = JSON.parse(
      readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'environment.schema.json'), 'utf8'),
    ) as {
      properties: { logs: { properties: { retentionDays: { enum: number[] } } } };
    };
    expect([...LOG_RETENTION_DAYS]).toEqual(schema.properties.logs.properties.retentionDays.enum);
    expect(LOG_RETENTION_DAYS).toContain(DEFAULT_LOG_RETENTION_DAYS);
  });
});
