/**
 * Runs an index build in a worker thread and waits for it. The thread that answers
 * questions only relays the build's log lines meanwhile.
 */
import type { Logger } from "../logging/logger.ts";
import { startWorker } from "../util/worker-thread.ts";
import { NoCircularsError, type BuildRequest, type BuildResult } from "./build-search-index.ts";
import type { BuildWorkerMessage } from "./index-build-worker.ts";

/**
 * Builds an index generation in a worker thread.
 * @throws {NoCircularsError} when no seed file could be read; other errors as the build reported them.
 */
export function buildInWorker(request: BuildRequest, logger: Logger): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker("index-build-worker", "service/index-build-worker.ts", request);
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on("message", (m: BuildWorkerMessage) => {
      if (m.type === "log") logger[m.level](m.message, m.fields);
      else if (m.type === "done") settle(() => resolve(m.result));
      else {
        const err =
          m.name === "NoCircularsError" ? new NoCircularsError(request.seedsDir) : Object.assign(new Error(m.message), { name: m.name });
        settle(() => reject(err));
      }
    });
    worker.on("error", (err) => settle(() => reject(err)));
    worker.on("exit", (code) => settle(() => reject(new Error(`the index build stopped unexpectedly (exit code ${code})`))));
  });
}
