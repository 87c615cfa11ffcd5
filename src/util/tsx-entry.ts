/**
 * Where tsx's loader is, for a thread or process started on a TypeScript source module
 * (tests, development): the compiled build needs none.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";

/**
 * A file URL of one of tsx's ES module exports (".": the loader that registers itself;
 * "./esm/api": `register`), found through its package.json: require.resolve would give the
 * CommonJS build, and import.meta.resolve is missing under vitest.
 */
export function tsxModuleUrl(from: string, exported: "." | "./esm/api"): string {
  const manifest = createRequire(from).resolve("tsx/package.json");
  const target = JSON.parse(readFileSync(manifest, "utf8")).exports[exported];
  return pathToFileURL(path.join(path.dirname(manifest), typeof target === "string" ? target : target.import.default)).href;
}
