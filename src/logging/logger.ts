/**
 * A small structured logger that writes one line per event to stderr and removes
 * secrets (bot token, API keys, credentials in URLs) from everything it prints,
 * including error messages, through the one {@link Redactor}.
 */
import { Redactor } from "./redact.ts";

export { TOKEN_PATTERN } from "./redact.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** Where log lines go; tests pass their own to capture output. */
export type LogSink = (line: string) => void;

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** Registers more values to redact (e.g. once settings are loaded). */
  addSecrets(secrets: readonly string[]): void;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function describe(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  return value;
}

/** Creates a logger; `minLevel` defaults to info (settings.logLevel carries LOG_LEVEL to the caller). */
export function createLogger(options: { sink?: LogSink; minLevel?: LogLevel; secrets?: readonly string[] } = {}): Logger {
  const sink: LogSink = options.sink ?? ((line) => process.stderr.write(line + "\n"));
  const minLevel = options.minLevel ?? "info";
  const redactor = new Redactor(options.secrets ?? []);

  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < LEVELS[minLevel]) return;
    let line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}`;
    if (fields && Object.keys(fields).length > 0) {
      const shown = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, describe(v)]));
      line += " " + JSON.stringify(shown);
    }
    sink(redactor.text(line));
  };

  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    addSecrets: (list) => redactor.add(list),
  };
}

/** A logger that drops everything, for tests and quiet commands. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  addSecrets: () => {},
};
