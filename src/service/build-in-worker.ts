/**
 * Runs an index build in a worker thread and waits for it. The thread that answers
 * questions only relays the build's log lines meanwhile. From TypeScript sources (tests,
 * development) the worker loads its module through tsx; from the compiled build it loads
 * the compiled module beside this one.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { Logger } from "../logging/logger.ts";
import { NoCircularsError, type BuildRequest, type BuildResult } from "./build-search-index.ts";
import type { BuildWorkerMessage } from "./index-build-worker.ts";

/** Starts the worker: its compiled module, or the TypeScript one through tsx. */
function startWorker(request: BuildRequest): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./index-build-worker.js", here), { workerData: request });
  const tsx = tsxRegisterUrl(here);
  const entry = new URL("./index-build-worker.ts", here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(boot, { eval: true, workerData: request });
}

/**
 * tsx's ESM API module (`register`), found through its package.json: require.resolve
 * would give the CommonJS build, and import.meta.resolve is missing under vitest.
 */
function tsxRegisterUrl(from: string): string {
  const manifest = createRequire(from).resolve("tsx/package.json");
  const exports = JSON.parse(readFileSync(manifest, "utf8")).exports["./esm/api"];
  return pathToFileURL(path.join(path.dirname(manifest), exports.import.default)).href;
}

/**
 * Builds an index generation in a worker thread.
 * @throws {NoCircularsError} when no seed file could be read; other errors as the build reported them.
 */
export function buildInWorker(request: BuildRequest, logger: Logger): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker(request);
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
