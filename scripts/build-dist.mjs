/**
 * Compiles src/ into dist/ with esbuild, so that the `policybot` command runs plain
 * JavaScript: no TypeScript compiler at run time, one module graph instead of a few
 * hundred files, and heavy libraries left in their own lazily imported chunks. Runs at
 * `npm install` (the `prepare` script), and from bin/policybot.mjs whenever src/ changed
 * since (so an edit is never run stale).
 *
 * Each build goes to dist/<hash of the sources>/ and dist/current.json names it; a
 * process that is running keeps its own folder (later imports of its chunks, e.g. the
 * index build worker, still resolve), and folders of older builds are removed a day on.
 * Concurrent builders each write a private folder and rename it into place.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, promises as fs, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SRC = path.join(ROOT, "src");
const DIST = path.join(ROOT, "dist");
const CURRENT = path.join(DIST, "current.json");
/**
 * Entry points: the command line, the worker threads that build indexes and rank words, and the scale benchmark's probe (so it
 * measures compiled code).
 */
const ENTRIES = {
  cli: "src/cli/main.ts",
  "index-build-process": "src/service/index-build-process.ts",
  "ranking-worker": "src/retrieval/ranking-worker.ts",
  "vector-worker": "src/retrieval/vector-worker.ts",
  "bench-scale-probe": "scripts/bench-scale-probe.ts",
};
/**
 * Packages left to Node's own loader: native addons, and large libraries loaded lazily
 * (transformers.js, the OpenAI client). Everything else is bundled: one file to read and
 * compile instead of hundreds (zod alone is a hundred files), tree-shaken.
 */
const EXTERNAL = ["hnswlib-node", "@node-rs/jieba", "@xenova/transformers", "onnxruntime-node", "sharp", "@langchain/openai", "iconv-lite"];
/** Lets bundled CommonJS packages require Node's built-in modules from an ES module bundle. */
const REQUIRE_SHIM =
  'import { createRequire as __policybotRequire } from "node:module"; const require = __policybotRequire(import.meta.url);';
/** Older builds are kept this long for processes still running from them. */
const KEEP_OLD_MS = 24 * 60 * 60 * 1000;

/** Source files (code and data files beside it, and the benchmark probe), relative to src/, sorted. */
function sourceFiles() {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|json|mjs|js)$/.test(e.name))
    .map((e) => path.relative(SRC, path.join(e.parentPath ?? e.path, e.name)))
    .concat([path.relative(SRC, path.join(ROOT, ENTRIES["bench-scale-probe"]))])
    .sort();
}

/** A cheap stamp of src/: the files, their sizes and times. Equal stamps mean nothing changed. */
function sourceStamp(files) {
  const h = createHash("sha256");
  for (const f of files) {
    const st = statSync(path.join(SRC, f));
    h.update(`${f}\0${st.size}\0${st.mtimeMs}\n`);
  }
  h.update(readFileSync(path.join(ROOT, "package.json"))).update(readFileSync(fileURLToPath(import.meta.url)));
  return h.digest("hex");
}

/** The build's name: a hash of the sources' content (and of this script and package.json). */
function contentHash(files) {
  const h = createHash("sha256");
  for (const f of files) h.update(`${f}\0`).update(readFileSync(path.join(SRC, f)));
  h.update(readFileSync(fileURLToPath(import.meta.url))).update(readFileSync(path.join(ROOT, "package.json")));
  return h.digest("hex").slice(0, 16);
}

function readCurrent() {
  try {
    return JSON.parse(readFileSync(CURRENT, "utf8"));
  } catch {
    return undefined;
  }
}

/** The folder of an up-to-date build, or undefined when src/ changed since the last one. */
export function currentBuild() {
  const current = readCurrent();
  if (!current || !existsSync(path.join(DIST, current.build, "cli.js"))) return undefined;
  return current.stamp === sourceStamp(sourceFiles()) ? path.join(DIST, current.build) : undefined;
}

/** Builds dist/ if src/ changed; returns the folder of the build to run. */
export async function ensureBuild() {
  const ready = currentBuild();
  if (ready) return ready;
  const files = sourceFiles();
  const stamp = sourceStamp(files);
  const build = contentHash(files);
  const dir = path.join(DIST, build);
  if (!existsSync(path.join(dir, "cli.js"))) await compile(files, dir);
  const tmp = path.join(DIST, `.current-${process.pid}-${randomBytes(4).toString("hex")}.json`);
  await fs.writeFile(tmp, JSON.stringify({ build, stamp }) + "\n");
  await fs.rename(tmp, CURRENT);
  await removeOldBuilds(build);
  return dir;
}

async function compile(files, dir) {
  const esbuild = await import("esbuild");
  await fs.mkdir(DIST, { recursive: true });
  const tmp = path.join(DIST, `.build-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      outdir: tmp,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "node",
      target: "node20",
      external: EXTERNAL,
      banner: { js: REQUIRE_SHIM },
      sourcemap: "linked",
      logLevel: "error",
    });
    // Data files read relative to a module (new URL("./x.json", import.meta.url)) sit beside the chunks.
    const seen = new Map();
    for (const f of files.filter((x) => x.endsWith(".json"))) {
      const name = path.basename(f);
      if (seen.has(name)) throw new Error(`src/${f} and src/${seen.get(name)} share a name; dist/ keeps data files side by side`);
      seen.set(name, f);
      await fs.copyFile(path.join(SRC, f), path.join(tmp, name));
    }
    await fs.rename(tmp, dir).catch(async (err) => {
      // Another process built the same sources first: use its folder.
      if (!existsSync(path.join(dir, "cli.js"))) throw err;
    });
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function removeOldBuilds(keep) {
  const now = Date.now();
  for (const entry of await fs.readdir(DIST, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep) continue;
    const p = path.join(DIST, entry.name);
    const st = await fs.stat(p).catch(() => undefined);
    if (st && now - st.mtimeMs > KEEP_OLD_MS) await fs.rm(p, { recursive: true, force: true }).catch(() => {});
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const dir = await ensureBuild();
  console.log(`policybot compiled into ${path.relative(ROOT, dir)}`);
}
