/** Structured JSON logs, one line per event, to stdout (CloudWatch Logs). Never pass prompt or completion text unless the table's logPromptText allows it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

let sink: (line: string) => void = (line) => process.stdout.write(`${line}\n`);
let minimum: LogLevel = 'info';

/** Writes one raw line (EMF documents go through here too). */
export function writeLine(line: string): void {
  sink(line);
}

export function log(level: LogLevel, message: string, fields: Record<string, unknown> = {}): void {
  if (ORDER[level] < ORDER[minimum]) return;
  sink(JSON.stringify({ level, time: new Date().toISOString(), message, ...fields }));
}

/** Redirects log lines (tests, benchmarks and the dev gateway capture or silence them). */
export function setLogSink(next: (line: string) => void, level: LogLevel = 'info'): void {
  sink = next;
  minimum = level;
}
