import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../catalog/paths';
import { bundlePath } from '../support/cli';
import { tempDir } from '../support/temp-dir';

// Synth needs no AWS SDK: the contracts it shares with the router carry no client, so loading the
// synthesis module (or running the whole command) must not require any @aws-sdk/ or @smithy/ module.
// A preloaded hook records every module request and every file loaded in the child process.
let dir: string;
beforeAll(() => {
  dir = tempDir('fm-synth-modules-');
  writeFileSync(
    join(dir, 'record-modules.cjs'),
    `const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const requested = new Set();
const load = Module._load;
Module._load = function (request, ...rest) { requested.add(request); return load.call(this, request, ...rest); };
process.on('exit', () => writeFileSync(process.env.FM_MODULES_FILE, JSON.stringify({ requested: [...requested], files: Object.keys(require.cache) })));
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modulesLoaded(args: readonly string[]): { requested: string[]; files: string[] } {
  const out = join(dir, `modules-${Math.random().toString(36).slice(2)}.json`);
  const r = spawnSync(process.execPath, ['--require', join(dir, 'record-modules.cjs'), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, FM_MODULES_FILE: out },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(readFileSync(out, 'utf8')) as { requested: string[]; files: string[] };
}

const sdk = (m: { requested: string[]; files: string[] }) => [
  ...m.requested.filter((r) => /^@(aws-sdk|smithy)\//.test(r)),
  ...m.files.filter((f) => /[\\/]node_modules[\\/]@(aws-sdk|smithy)[\\/]/.test(f)),
];

describe('the synthesis module', () => {
  it('loads no AWS SDK module when required', () => {
    const m = modulesLoaded(['-e', `require(${JSON.stringify(bundlePath('stacks/app.ts'))})`]);
    expect(m.requested).toContain('cdktf');
    expect(sdk(m)).toEqual([]);
  });

  it('loads no AWS SDK module through a whole npm run synth of every environment', () => {
    const out = join(dir, 'out');
    const m = modulesLoaded([bundlePath('cli/synth.ts'), '--out', out]);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual([
      'bootstrap-111111111111',
      'bootstrap-222222222222',
      'bootstrap-333333333333',
      'dev',
      'prod',
      'staging',
    ]);
    expect(m.requested).toContain('@cdktf/provider-aws/lib/lambda-function');
    expect(sdk(m)).toEqual([]);
  });
});
