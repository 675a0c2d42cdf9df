import { applyCatalogEdits, renderValue } from '../../catalog/edit';

const text = `{
  "version": "1",
  "models": [
    {
      "id": "a",
      "hosting": { "type": "bedrock", "regions": ["us-east-1"] },
      "lifecycle": { "status": "active" },
      "tags": [
        "x",
        "y"
      ]
    }
  ]
}
`;

describe('applyCatalogEdits', () => {
  it('replaces a value where it stands, touching no other byte', () => {
    const out = applyCatalogEdits(text, [
      { path: ['models', 0, 'hosting', 'regions'], value: ['us-east-1', 'us-west-2'] },
    ]);
    expect(out).toBe(text.replace('["us-east-1"]', '["us-east-1", "us-west-2"]'));
  });

  it('adds a key to a one-line object on its own line', () => {
    const out = applyCatalogEdits(text, [{ path: ['models', 0, 'lifecycle', 'legacyOn'], value: '2026-11-15' }]);
    expect(out).toBe(text.replace('{ "status": "active" }', '{ "status": "active", "legacyOn": "2026-11-15" }'));
  });

  it('adds a key to a multi-line object as a new line indented like its siblings', () => {
    const out = applyCatalogEdits(text, [{ path: ['models', 0, 'note'], value: 'n' }]);
    expect(out).toBe(text.replace('        "y"\n      ]\n', '        "y"\n      ],\n      "note": "n"\n'));
  });

  it('keeps a multi-line array multi-line', () => {
    const out = applyCatalogEdits(text, [{ path: ['models', 0, 'tags'], value: ['x', 'y', 'z'] }]);
    expect(out).toBe(text.replace('        "y"\n', '        "y",\n        "z"\n'));
  });
});

describe('renderValue', () => {
  it("writes objects and arrays on one line in the catalog's style", () => {
    expect(renderValue({ geography: 'us', regions: ['us-east-1', 'us-east-2'], empty: {} })).toBe(
      '{ "geography": "us", "regions": ["us-east-1", "us-east-2"], "empty": {} }',
    );
  });
});
