/**
 * Starts a worker thread on one of the program's modules: from the compiled build, the
 * compiled module of that name beside this one (scripts/build-dist.mjs lists it as an
 * entry); from TypeScript sources (tests, development), the source module through tsx.
 */
import { Worker } from "node:worker_threads";
import { tsxModuleUrl } from "./tsx-entry.ts";

/**
 * @param entry the build's entry name (e.g. "index-build-worker")
 * @param source the module's path under src/ (e.g. "service/index-build-worker.ts")
 */
export function startWorker(entry: string, source: string, workerData: unknown): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL(`./${entry}.js`, here), { workerData });
  const tsx = tsxModuleUrl(here, "./esm/api");
  const module = new URL(`../${source}`, here).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(module)}); })`;
  return new Worker(boot, { eval: true, workerData });
}
