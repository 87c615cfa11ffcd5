/**
 * Entry point of the worker thread that builds an index (build-search-index.ts), so that
 * parsing, embedding and graph building never hold the event loop of the thread that
 * answers questions. The thread runs at the lowest priority (util/thread-priority.ts): on
 * 2 cores a rebuild otherwise takes a core from every answer given meanwhile. Log lines go
 * to the parent's logger; the result or the error is posted back as plain data.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Logger, LogLevel } from "../logging/logger.ts";
import { lowerThisThreadPriority } from "../util/thread-priority.ts";
import { buildSearchIndex, type BuildRequest } from "./build-search-index.ts";

/** Messages from this worker to its parent. */
export type BuildWorkerMessage =
  | { readonly type: "log"; readonly level: LogLevel; readonly message: string; readonly fields?: Record<string, unknown> }
  | { readonly type: "done"; readonly result: Awaited<ReturnType<typeof buildSearchIndex>> }
  | { readonly type: "failed"; readonly name: string; readonly message: string };

const port = parentPort!;
const post = (m: BuildWorkerMessage) => port.postMessage(m);
const plain = (fields?: Record<string, unknown>) =>
  fields && Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v instanceof Error ? { name: v.name, message: v.message } : v]));
const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
  post({ type: "log", level, message, fields: plain(fields) });
const logger: Logger = { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error"), addSecrets: () => {} };

const tid = lowerThisThreadPriority();
logger.debug(tid === undefined ? "index build runs at normal priority" : "index build runs at low priority", { thread: tid });

try {
  post({ type: "done", result: await buildSearchIndex(workerData as BuildRequest, logger) });
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  post({ type: "failed", name: e.name, message: e.message });
}
