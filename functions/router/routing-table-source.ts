import { get as httpGet } from 'node:http';
import { readFile } from 'node:fs/promises';
import {
  parseDeployedTargets,
  routingTableErrors,
  withDeployedTargets,
  type RoutingTable,
} from '../../contracts/routing-table';
import {
  RoutingTableFetchError,
  RoutingTableNotFoundError,
  RoutingTableUnavailableError,
  RoutingTableUnreachableError,
} from './errors';
import { log } from './log';

export type TableOrigin = 'appconfig' | 'baked';

export interface TableSourceOptions {
  /** The AppConfig Lambda extension URL of the routing-table profile. */
  readonly url: string;
  /** Re-read the extension after this long (the extension's own poll interval: it never has newer data sooner). */
  readonly pollIntervalMs: number;
  /** The baked last-known-good copy beside the bundle. */
  readonly bakedPath: string;
  /**
   * FM_DEPLOYED_TARGETS: targets the baked copy was resolved without (a provisioned model's ARN,
   * known only after apply), written over its own. @default - the baked copy's targets as they are
   */
  readonly deployedTargetsJson?: string;
  /** Timeout of one read of the extension (it answers from its local cache, so this is generous). */
  readonly timeoutMs?: number;
  readonly now?: () => number;
  /** Called on every read the extension answers 404 (the router counts them in a metric an alarm watches). */
  readonly onNotFound?: (error: RoutingTableNotFoundError) => void;
  /** The environment this router serves: a table resolved for another one is refused. */
  readonly environment?: string;
  /** Called on every document refused (not JSON, against the schema, a dangling reference, another environment). */
  readonly onRejected?: (origin: TableOrigin, errors: readonly string[]) => void;
}

/**
 * The one cached getter of the routing table. Reads the AppConfig extension's local endpoint at
 * most once per poll interval; validates every new document against the draft-04 schema before
 * use; keeps the last good table when a read fails or a new document is invalid; falls back to the
 * baked copy when there is none yet. A failed read is one of two things: the extension answered 404
 * (the application, environment or profile it was asked for does not exist: a configuration fault,
 * logged as an alert with its own code and counted) or it could not be reached (connection refused,
 * timeout, 5xx: logged as a warning, as it heals by itself).
 */
export class RoutingTableSource {
  private current?: { table: RoutingTable; origin: TableOrigin };
  private checkedAt = -Infinity;
  private refreshing?: Promise<void>;
  private lastRaw?: string;
  private lastFailure?: RoutingTableFetchError;
  private readonly now: () => number;

  constructor(private readonly options: TableSourceOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The table to route with; throws RoutingTableUnavailableError only when there is none at all.
   * Only a cold start waits for the extension: once a table is in use, a due poll runs in the
   * background and this request (and every other until the poll ends) gets the table in use, so a
   * hanging extension never holds a request up.
   */
  async get(): Promise<RoutingTable> {
    if (this.current === undefined || this.now() - this.checkedAt >= this.options.pollIntervalMs) {
      this.refreshing ??= this.refresh()
        .catch((err: unknown) => log('error', 'routing table: refresh failed', { error: String(err) }))
        .finally(() => (this.refreshing = undefined));
      if (this.current === undefined) await this.refreshing;
    }
    if (this.current === undefined) {
      const why =
        this.lastFailure instanceof RoutingTableNotFoundError
          ? 'AppConfig has no such configuration'
          : 'AppConfig cannot be reached';
      throw new RoutingTableUnavailableError(`no routing table: ${why} and there is no baked copy`, {
        cause: this.lastFailure,
      });
    }
    return this.current.table;
  }

  /** Resolves when the poll under way, if any, has ended (tests, benchmarks). */
  async refreshed(): Promise<void> {
    await this.refreshing;
  }

  /** Where the table in use came from (for logs and tests). */
  origin(): TableOrigin | undefined {
    return this.current?.origin;
  }

  private async refresh(): Promise<void> {
    this.checkedAt = this.now();
    let raw: string;
    try {
      raw = await getText(this.options.url, this.options.timeoutMs ?? 2000);
      this.lastFailure = undefined;
    } catch (err) {
      this.failed(
        err instanceof RoutingTableFetchError
          ? err
          : new RoutingTableUnreachableError(String(err), this.options.url, undefined, { cause: err }),
      );
      if (this.current === undefined) await this.loadBaked();
      return;
    }
    if (raw === this.lastRaw) return;
    const table = this.accept(raw, 'appconfig');
    if (table !== undefined) {
      this.lastRaw = raw;
      if (this.current?.table.catalogVersion !== table.catalogVersion || this.current.origin !== 'appconfig')
        log('info', 'routing table: new table in use', { catalogVersion: table.catalogVersion, origin: 'appconfig' });
      this.current = { table, origin: 'appconfig' };
    } else if (this.current === undefined) {
      await this.loadBaked();
    }
  }

  private failed(failure: RoutingTableFetchError): void {
    this.lastFailure = failure;
    const origin = this.current?.origin ?? 'none';
    if (failure instanceof RoutingTableNotFoundError) {
      log('error', 'ALERT routing table: AppConfig has no such configuration; keeping the table in use', {
        alert: true,
        errorCode: failure.code,
        url: failure.url,
        error: failure.message,
        origin,
      });
      this.options.onNotFound?.(failure);
    } else {
      const status = failure instanceof RoutingTableUnreachableError ? failure.status : undefined;
      log('warn', 'routing table: AppConfig extension unreachable; keeping the table in use', {
        errorCode: failure.code,
        status,
        error: failure.message,
        origin,
      });
    }
  }

  private accept(raw: string, origin: TableOrigin): RoutingTable | undefined {
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch (err) {
      log('error', 'routing table: not JSON; ignored', {
        origin,
        errorCode: 'routing_table_rejected',
        error: String(err),
      });
      this.options.onRejected?.(origin, [String(err)]);
      return undefined;
    }
    const errors = routingTableErrors(doc, { environment: this.options.environment });
    if (errors.length > 0) {
      log('error', 'routing table: invalid; ignored', {
        origin,
        errorCode: 'routing_table_rejected',
        errors,
        kept: this.current?.origin ?? 'none',
      });
      this.options.onRejected?.(origin, errors);
      return undefined;
    }
    return doc as RoutingTable;
  }

  /**
   * The baked copy with the targets the stack knew only after apply. Unreadable ones are a platform
   * fault: logged as an alert, and the copy serves with its own targets (a model whose target is a
   * name then fails over like any unreachable model).
   */
  private withDeployed(table: RoutingTable): RoutingTable {
    const json = this.options.deployedTargetsJson;
    if (json === undefined) return table;
    try {
      return withDeployedTargets(table, parseDeployedTargets(json));
    } catch (err) {
      log('error', 'routing table: deployed targets unreadable; the baked copy keeps its own', {
        alert: true,
        errorCode: 'deployed_targets_invalid',
        error: String(err),
      });
      return table;
    }
  }

  private async loadBaked(): Promise<void> {
    let raw: string;
    try {
      raw = await readFile(this.options.bakedPath, 'utf8');
    } catch (err) {
      log('error', 'routing table: no baked copy', { path: this.options.bakedPath, error: String(err) });
      return;
    }
    const accepted = this.accept(raw, 'baked');
    const table = accepted && this.withDeployed(accepted);
    if (table !== undefined) {
      log('warn', 'routing table: serving the baked copy', { catalogVersion: table.catalogVersion });
      this.current = { table, origin: 'baked' };
    }
  }
}

/**
 * GET over plain node:http: the extension listens on localhost, and the global fetch would load
 * undici on its first use, about 40 ms of a cold start. The extension answers 404
 * (ResourceNotFoundException) for an application, environment or profile that does not exist, and
 * 5xx when it cannot get the configuration from AppConfig:
 * https://docs.aws.amazon.com/appconfig/latest/userguide/appconfig-integration-lambda-extensions-OpenAPI.html
 */
function getText(url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const unreachable = (err: Error): void =>
      reject(
        new RoutingTableUnreachableError(`the AppConfig extension could not be read: ${err.message}`, url, undefined, {
          cause: err,
        }),
      );
    const req = httpGet(url, { timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode;
        if (status === 200) resolve(text);
        else if (status === 404)
          reject(new RoutingTableNotFoundError(`the AppConfig extension answered 404: ${text.slice(0, 300)}`, url));
        else
          reject(
            new RoutingTableUnreachableError(
              `the AppConfig extension answered ${status ?? 'no status'}: ${text.slice(0, 300)}`,
              url,
              status,
            ),
          );
      });
      res.on('error', unreachable);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', unreachable);
  });
}

/**
 * The table a request has already read, for the rest of that request: its later reads poll
 * nothing (the response cache reads the table before the route is served, and one request must
 * not poll AppConfig twice).
 */
export class PinnedTableSource extends RoutingTableSource {
  /** `read`: the request's one read, its table or its failure. */
  constructor(private readonly read: Promise<RoutingTable>) {
    super({ url: '', pollIntervalMs: Infinity, bakedPath: '' });
  }

  override get(): Promise<RoutingTable> {
    return this.read;
  }
}
