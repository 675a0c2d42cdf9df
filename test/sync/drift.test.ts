import { nextVersion } from '../../sync/drift';

describe('nextVersion', () => {
  it("starts today's series at 1 after an earlier day's version", () => {
    expect(nextVersion('2026.11.29-1', '2026-12-02')).toBe('2026.12.02-1');
  });

  it("counts on from today's last version", () => {
    expect(nextVersion('2026.12.02-3', '2026-12-02')).toBe('2026.12.02-4');
  });

  it('starts a series after a version of another form', () => {
    expect(nextVersion('v7', '2026-12-02')).toBe('2026.12.02-1');
  });
});
