import { loadProject } from './catalog';
import { replacementSuggester } from './selection/rank';
import { synthesize } from './stacks/app';

// The cdktf app entry (cdktf.json): `cdktf synth|diff|deploy <env>` run this file. `npm run synth`
// goes through cli/synth.ts, which validates first and swaps the output folder in when complete.
synthesize(loadProject({ suggestReplacement: replacementSuggester }).plans, process.env.CDKTF_OUTDIR ?? 'cdktf.out');
