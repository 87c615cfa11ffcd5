/**
 * Entry point of the child process that builds an index (build-search-index.ts), so that
 * parsing, embedding and graph building never hold the event loop of the process that
 * answers questions, nor share its heap, its allocator or its memory map. It runs at the
 * lowest priority (util/thread-priority.ts): on 2 cores a rebuild otherwise takes a core
 * from every answer given meanwhile. It is told what to build in its first message; log
 * lines, then the result or the error, go back as messages. When the parent goes away,
 * so does the build.
 */
import type { Logger, LogLevel } from "../logging/logger.ts";
import { lowerThisProcessPriority } from "../util/thread-priority.ts";
import { buildSearchIndex, type BuildRequest } from "./build-search-index.ts";

/** Messages from this process to its parent. */
export type BuildProcessMessage =
  | { readonly type: "log"; readonly level: LogLevel; readonly message: string; readonly fields?: Record<string, unknown> }
  | { readonly type: "done"; readonly result: Awaited<ReturnType<typeof buildSearchIndex>> }
  | { readonly type: "failed"; readonly name: string; readonly message: string };

const post = (m: BuildProcessMessage, then?: () => void) => process.send!(m, undefined, {}, then);
const plain = (fields?: Record<string, unknown>) =>
  fields && Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? { name: v.name, message: v.message } : v]));
const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
  post({ type: "log", level, message, fields: plain(fields) });
const logger: Logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error"), addSecrets: () => {} };

// A parent that stopped (or was killed) cannot take the result: stop building.
process.on("disconnect", () => process.exit(1));

process.once("message", async (request: BuildRequest) => {
  const threads = lowerThisProcessPriority();
  logger.debug(threads === undefined ? "index build runs at normal priority" : "index build runs at low priority", { threads });
  let outcome: BuildProcessMessage;
  try {
    outcome = { type: "done", result: await buildSearchIndex(request, logger) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    outcome = { type: "failed", name: e.name, message: e.message };
  }
  post(outcome, () => process.exit(0));
});
