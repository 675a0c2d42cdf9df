import { BedrockClient } from '@aws-sdk/client-bedrock';
import { formatIssues } from '../catalog/issues';
import { BedrockReadError } from '../sync/read-bedrock';
import { renderSyncMarkdown } from '../sync/report';
import { SyncInputError, syncEnvironment } from '../sync/run';
import { parseOptions } from './args';

const USAGE = `usage: npm run sync -- --env NAME [--write] [--json] [--catalog FILE] [--environments DIR]

Reads Amazon Bedrock in each Region the environment calls (primary and failover), with the
caller's credentials (read-only: bedrock:ListFoundationModels, GetFoundationModel,
ListInferenceProfiles, GetInferenceProfile), and reports per catalog model and Region: lifecycle
drift, availability drift, inference-profile destinations the catalog (and so IAM) does not know,
and, separately, models of the catalog's families that Bedrock offers and the catalog lacks.
  --env NAME          the environment (environments/NAME.json)
  --write             apply the factual changes to the catalog (every other byte unchanged), bump
                      its version and run the validator; a lifecycle move then asks for a replacement
  --json              the report as JSON
  --catalog FILE      the catalog (default: model-catalog.json)
  --environments DIR  the environment files (default: environments/)
Exit 0 when done (drift or not), 3 when --write left a catalog the validator rejects (the facts are
written; the decisions it needs, such as a replacement, are listed), 1 when Bedrock could not be
read (nothing written), 2 for bad options or input.`;

const opts = parseOptions(
  {
    env: { type: 'string' },
    write: { type: 'boolean' },
    json: { type: 'boolean' },
    catalog: { type: 'string' },
    environments: { type: 'string' },
  },
  USAGE,
);

async function main(): Promise<number> {
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  if (opts.env === undefined) {
    console.error(`give --env NAME\n\n${USAGE}`);
    return 2;
  }
  const clients: BedrockClient[] = [];
  // The SDK reads AWS_ENDPOINT_URL_BEDROCK (or AWS_ENDPOINT_URL) itself: how tests point it at a local server.
  const client = (region: string) => {
    const c = new BedrockClient({ region });
    clients.push(c);
    return c;
  };
  try {
    const report = await syncEnvironment({
      environment: opts.env,
      catalogPath: opts.catalog,
      environmentsDir: opts.environments,
      write: opts.write ?? false,
      client,
    });
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderSyncMarkdown(report));
    const summary = `sync ${report.environment}: ${report.drift.length} drift finding${report.drift.length === 1 ? '' : 's'}, ${report.newModels.length} model${report.newModels.length === 1 ? '' : 's'} the catalog lacks, ${report.changes.length} change${report.changes.length === 1 ? '' : 's'}`;
    if (report.written && !report.written.valid) {
      console.error(
        `${summary} written; the validator now asks for decisions:\n${formatIssues(report.written.issues.filter((i) => i.severity === 'error'))}`,
      );
      return 3;
    }
    console.error(`${summary}${report.written ? ` written (version ${report.written.version})` : ''}`);
    return 0;
  } catch (err) {
    if (err instanceof SyncInputError) {
      console.error(
        `${err.message}${err.issues.length ? `\n${formatIssues(err.issues)}` : ''}\nnothing was read or written.`,
      );
      return 2;
    }
    if (err instanceof BedrockReadError) {
      console.error(`${err.message}\nnothing was written.`);
      return 1;
    }
    throw err;
  } finally {
    for (const c of clients) c.destroy();
  }
}

main().then(
  (code) => {
    // exitCode, not exit(): a report written to a pipe must drain before the process ends.
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
