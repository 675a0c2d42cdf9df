/** Structured JSON logs, one line per event, to stdout (CloudWatch Logs). Never pass prompt or completion text unless the table's logPromptText allows it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

let sink: (line: string) => void = (line) => process.stdout.write(`${line}\n`);
let minimum: LogLevel = 'info';

/** Writes one raw line (EMF documents go through here too). */
export function writeLine(line: string): void {
  sink(line);
}

/** Writes one log line; never throws: fields that cannot be written (a cycle, a BigInt, too deep) are replaced by a note, so logging cannot fail a request. */
export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < ORDER[minimum]) return;
  const time = new Date().toISOString();
  let line: string;
  try {
    line = JSON.stringify({ level, time, message, ...fields });
  } catch (err) {
    line = JSON.stringify({
      level,
      time,
      message,
      logError: `fields not written: ${err instanceof Error ? err.message : String(err)}`,
      fieldNames: Object.keys(fields),
    });
  }
  try {
    sink(line);
  } catch {
    // A broken sink (a closed stdout) must not fail the request either.
  }
}

/** Redirects log lines (tests, benchmarks and the dev gateway capture or silence them). */
export function setLogSink(next: (line: string) => void, level: LogLevel = 'info'): void {
  sink = next;
  minimum = level;
}
