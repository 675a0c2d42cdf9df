import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changeConsumerKeys } from '../../catalog/consumer-keys';
import { loadProject } from '../../catalog';
import { defaultEnvironmentsDir } from '../../catalog/paths';
import { createAuthorizer, keyHash } from '../../functions/authorizer';

describe('npm run keys (changeConsumerKeys)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fm-keys-'));
    cpSync(defaultEnvironmentsDir, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("writes only the new key's hash to the consumer, touching no other line, and the plan carries it", () => {
    const before = readFileSync(join(dir, 'dev.json'), 'utf8');
    const change = changeConsumerKeys('dev', 'sandbox', { environmentsDir: dir, today: '2026-12-02' });
    expect(change.key).toMatch(/^fmk_[A-Za-z0-9_-]{43}$/);
    const after = readFileSync(join(dir, 'dev.json'), 'utf8');
    expect(after).not.toContain(change.key);
    expect(after).toContain(keyHash(change.key!));
    const changed = after.split('\n').filter((line, i) => line !== before.split('\n')[i]);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toContain('"keys": [{ "sha256": ');

    const plan = loadProject({ environmentsDir: dir, only: ['dev'] }).plans[0];
    const sandbox = plan.api.consumers.find((c) => c.name === 'sandbox');
    expect(sandbox?.keys).toEqual([{ sha256: keyHash(change.key!), created: '2026-12-02' }]);
  });

  it('writes the hash the authorizer accepts', () => {
    const { key } = changeConsumerKeys('dev', 'sandbox', { environmentsDir: dir });
    const consumer = loadProject({ environmentsDir: dir, only: ['dev'] }).plans[0].api.consumers[0];
    const authorize = createAuthorizer([
      { name: 'sandbox', usageKey: 'u', keyHashes: (consumer.keys ?? []).map((k) => k.sha256), revokedHashes: [] },
    ]);
    const result = authorize({
      methodArn: 'arn:aws:execute-api:us-east-1:1:a/live/GET/v1/models',
      headers: { 'x-api-key': key! },
    });
    expect(result).toMatchObject({ principalId: 'sandbox', usageIdentifierKey: 'u' });
  });

  it('revokes the live keys, which the authorizer then refuses', () => {
    const { key } = changeConsumerKeys('dev', 'sandbox', { environmentsDir: dir });
    const second = changeConsumerKeys('dev', 'sandbox', { environmentsDir: dir });
    expect(changeConsumerKeys('dev', 'sandbox', { environmentsDir: dir, revoke: true }).revoked).toBe(2);
    const keys = loadProject({ environmentsDir: dir, only: ['dev'] }).plans[0].api.consumers[0].keys ?? [];
    expect(keys.map((k) => k.revoked)).toEqual([true, true]);
    const authorize = createAuthorizer([
      {
        name: 'sandbox',
        usageKey: 'u',
        keyHashes: keys.filter((k) => !k.revoked).map((k) => k.sha256),
        revokedHashes: keys.filter((k) => k.revoked).map((k) => k.sha256),
      },
    ]);
    for (const k of [key!, second.key!]) {
      const result = authorize({
        methodArn: 'arn:aws:execute-api:us-east-1:1:a/live/GET/v1/models',
        headers: { authorization: `Bearer ${k}` },
      });
      expect(result.policyDocument.Statement[0].Effect).toBe('Deny');
    }
    expect(() => changeConsumerKeys('dev', 'sandbox', { environmentsDir: dir, revoke: true })).toThrow(
      /\/api\/consumers\/0\/keys: "sandbox" has no live key to revoke/,
    );
  });

  it('names the file and the consumers it has for an unknown consumer, and an unknown environment', () => {
    expect(() => changeConsumerKeys('dev', 'nobody', { environmentsDir: dir })).toThrow(
      /dev\.json: \/api\/consumers has no consumer "nobody" \(it has: sandbox\)/,
    );
    expect(() => changeConsumerKeys('nope', 'sandbox', { environmentsDir: dir })).toThrow(
      /nope\.json: no such environment file/,
    );
  });
});
