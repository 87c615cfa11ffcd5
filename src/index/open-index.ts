/**
 * Opens the live index generation only after checking it: the manifest parses, was
 * written by this format version, for the configured embedding model and the current
 * corpus, and every file it lists has its recorded size and sha256. The vector graphs
 * start loading as soon as the manifest is sound, while the files are checked (loading
 * is the slowest part of a large start); a graph is handed out, and so searched, only
 * when every file checked out — a damaged one is dropped unsearched.
 *
 * Hashing every file took a third of a restart at 10,000 circulars (1.3 GB). As git's
 * index does for a work tree, a verified generation keeps a stamp (verified.json) of each
 * file's inode, size, modification and change times as they were when its checksum last
 * held; a start that finds a file exactly so does not hash it again. Any write to a file
 * moves its change time (which no tool sets back), so a file changed since is hashed and,
 * if damaged, found.
 *
 * Outcomes a program should expect are statuses with a reason for a person, not
 * exceptions: no index yet (missing), built for other inputs (stale), damaged (corrupt).
 */
import { promises as fs, type Stats } from "node:fs";
import path from "node:path";
import * as z from "../util/zod.ts";
import { isCode } from "../util/durable-fs.ts";
import { IndexLoadError } from "./errors.ts";
import { shardFile, VectorShards, type VectorSearch } from "./vector-shards.ts";
import { displayPath, readPointer, POINTER_FILE } from "./index-layout.ts";
import {
  hashFile,
  INDEX_FORMAT_VERSION,
  MANIFEST_FILE,
  ManifestSchema,
  ManifestVersionSchema,
  sha256HexSliced,
  type IndexManifest,
} from "./manifest.ts";

/** What the caller is configured with; an index built for anything else is stale. */
export interface ExpectedIndex {
  readonly model: string;
  readonly dimensions: number;
  /** {@link hashInputs} of what an index built now would come from (see service/index-inputs.ts). */
  readonly inputsHash: string;
}

/** Why an index cannot be used. */
export interface IndexProblem {
  /** missing: none built yet; stale: built for other inputs; corrupt: damaged or unreadable. */
  readonly status: "missing" | "stale" | "corrupt";
  readonly reason: string;
  /** The manifest, when it could be read (e.g. to show what a stale index was built with). */
  readonly manifest?: IndexManifest;
}

export interface VerifiedIndex {
  readonly status: "ok";
  readonly manifest: IndexManifest;
  readonly generation: string;
  /** Absolute path of the generation folder. */
  readonly dir: string;
  /**
   * Contents of the files other than the vector graph, by name, as verified (parse these
   * bytes rather than re-reading the files); files the caller chose to read from disk
   * later (see {@link OpenOptions.inMemory}) are verified but not held.
   */
  readonly payloads: ReadonlyMap<string, Buffer>;
}

export type VerifyResult = VerifiedIndex | IndexProblem;

export type OpenIndexResult<T = undefined> =
  | (VerifiedIndex & { readonly graph: VectorSearch; readonly prepared: T })
  | IndexProblem;

/** The live generation's folder and manifest, read and validated, its files not yet checked. */
export type LiveGeneration =
  { readonly status: "ok"; readonly manifest: IndexManifest; readonly generation: string; readonly dir: string } | IndexProblem;

export interface OpenOptions {
  /** Which verified files to hand back in memory; the others are only checked (default: every file but the graph). */
  readonly inMemory?: (name: string) => boolean;
  /** Called once the manifest is sound, before any file is checked (openIndex starts loading the graphs then). */
  readonly manifestSound?: (dir: string, manifest: IndexManifest) => void;
}

/** What openIndex does with the verified files while the graphs still load. */
export interface PrepareOptions<T> {
  /**
   * Decodes the verified files (on this thread, while hnswlib loads the graphs on others),
   * and may build on them what searches the graphs once they are loaded (`graph`); what it
   * throws makes the index corrupt, its message the reason. The index is handed out once
   * both have finished.
   */
  readonly prepare?: (verified: VerifiedIndex, graph: Promise<VectorSearch>) => Promise<T>;
  /**
   * Loads the generation's graphs from its folder (default: VectorShards.load, into this
   * thread); rejects with an IndexLoadError naming the file when one cannot be read.
   */
  readonly loadGraph?: (dir: string, manifest: IndexManifest) => Promise<VectorSearch>;
}

/** Loads a generation's graphs into this thread. */
function loadShards(dir: string, manifest: IndexManifest): Promise<VectorSearch> {
  return VectorShards.load(dir, manifest.embedding.dimensions, manifest.hnsw, manifest.shards);
}

/** The stamp of a generation's verified files, inside its folder (not listed in the manifest). */
export const STAMP_FILE = "verified.json";

/** A file as it was when its checksum last held. */
const FileStamp = z.object({ sha256: z.string(), bytes: z.number(), ino: z.number(), mtimeMs: z.number(), ctimeMs: z.number() });
type FileStamp = z.infer<typeof FileStamp>;
const StampFile = z.record(z.string(), FileStamp);

function stampOf(st: Stats, sha256: string): FileStamp {
  return { sha256, bytes: st.size, ino: st.ino, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

/** Whether a file is as it was stamped, with the checksum the manifest lists. */
function unchanged(st: Stats, sha256: string, stamp: FileStamp | undefined): boolean {
  return (
    stamp !== undefined &&
    stamp.sha256 === sha256 &&
    stamp.bytes === st.size &&
    stamp.ino === st.ino &&
    stamp.mtimeMs === st.mtimeMs &&
    stamp.ctimeMs === st.ctimeMs
  );
}

async function readStamps(dir: string): Promise<Record<string, FileStamp>> {
  const read = await readSmallFile(path.join(dir, STAMP_FILE), MAX_MANIFEST_BYTES).catch(() => undefined);
  if (read?.kind !== "ok") return {};
  try {
    return StampFile.parse(JSON.parse(read.data.toString("utf8")));
  } catch {
    return {}; // a damaged stamp only means hashing every file again
  }
}

/** Writes the stamps (whole, by rename); a generation removed meanwhile, or a read-only folder, just keeps none. */
async function writeStamps(dir: string, stamps: Record<string, FileStamp>): Promise<void> {
  const temp = path.join(dir, `${STAMP_FILE}.${process.pid}.tmp`);
  try {
    await fs.writeFile(temp, JSON.stringify(stamps));
    await fs.rename(temp, path.join(dir, STAMP_FILE));
  } catch {
    await fs.rm(temp, { force: true }).catch(() => {});
  }
}

/** A manifest is a few kB; refuse to parse a crafted huge one. */
const MAX_MANIFEST_BYTES = 1 << 20;
/** Attempts when the live generation changes (and the old one is cleaned) while we read it. */
const OPEN_ATTEMPTS = 3;

/**
 * Reads the live generation's manifest: CURRENT names a folder, its manifest parses
 * and is of this format version. The files it lists are not checked yet.
 */
export async function readLiveGeneration(root: string): Promise<LiveGeneration> {
  const pointer = await readPointer(root);
  switch (pointer.state) {
    case "no-root":
      return { status: "missing", reason: `${displayPath(root)}: folder does not exist (no index built yet)` };
    case "no-pointer":
      return { status: "missing", reason: `${displayPath(root, POINTER_FILE)}: not found (no index built yet)` };
    case "invalid":
      return {
        status: "corrupt",
        reason: `${displayPath(root, POINTER_FILE)}: does not name an index generation (${JSON.stringify(pointer.content)})`,
      };
  }
  const generation = pointer.generation;
  const dir = path.join(root, generation);
  const show = (file?: string) => displayPath(root, generation, ...(file === undefined ? [] : [file]));

  const dirStat = await fs.lstat(dir).catch(() => undefined);
  if (!dirStat?.isDirectory()) {
    return { status: "corrupt", reason: `${displayPath(root, POINTER_FILE)}: names ${generation}, which does not exist` };
  }

  const manifestFile = show(MANIFEST_FILE);
  const manifestRead = await readSmallFile(path.join(dir, MANIFEST_FILE), MAX_MANIFEST_BYTES);
  if (manifestRead.kind === "missing") return { status: "corrupt", reason: `${manifestFile}: missing` };
  if (manifestRead.kind === "too-big") return { status: "corrupt", reason: `${manifestFile}: larger than 1 MB, not a manifest` };
  let raw: unknown;
  try {
    raw = JSON.parse(manifestRead.data.toString("utf8"));
  } catch {
    return { status: "corrupt", reason: `${manifestFile}: not valid JSON (file damaged)` };
  }
  const version = ManifestVersionSchema.safeParse(raw);
  if (!version.success) return { status: "corrupt", reason: `${manifestFile}: has no format version (not an index manifest)` };
  if (version.data.formatVersion !== INDEX_FORMAT_VERSION) {
    return {
      status: "stale",
      reason: `${manifestFile}: index format version ${version.data.formatVersion}, this program reads version ${INDEX_FORMAT_VERSION}`,
    };
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.map(String).join(".") || "manifest";
    const what = issue.code === "invalid_key" ? "is not a plain file name" : issue.message;
    return { status: "corrupt", reason: `${manifestFile}: ${where} ${what}` };
  }
  return { status: "ok", manifest: parsed.data, generation, dir };
}

/** Checks the live generation in `root` without loading the vector graph. */
export async function verifyIndex(root: string, expected: ExpectedIndex, options: OpenOptions = {}): Promise<VerifyResult> {
  const live = await readLiveGeneration(root);
  if (live.status !== "ok") return live;
  const { manifest, generation, dir } = live;
  const manifestFile = displayPath(root, generation, MANIFEST_FILE);

  const built = manifest.embedding;
  if (built.model !== expected.model || built.dimensions !== expected.dimensions) {
    return {
      status: "stale",
      reason:
        `manifest: built with model ${built.model} (${built.dimensions} dims), ` +
        `configured ${expected.model} (${expected.dimensions} dims)`,
      manifest,
    };
  }
  if (manifest.inputsHash !== expected.inputsHash) {
    return {
      status: "stale",
      reason:
        `manifest: built from other inputs (hash ${manifest.inputsHash.slice(0, 12)}…; ` +
        `the seeds, word lists, model and code now hash ${expected.inputsHash.slice(0, 12)}…)`,
      manifest,
    };
  }
  const shards = manifest.shards.map((_, i) => shardFile(i));
  const missing = shards.find((name) => !(name in manifest.files));
  if (missing) return { status: "corrupt", reason: `${manifestFile}: does not list ${missing}`, manifest };
  if (manifest.shards.reduce((a, b) => a + b, 0) !== manifest.itemCount) {
    return {
      status: "corrupt",
      reason: `${manifestFile}: shards hold ${manifest.shards.join(" + ")} vectors, not ${manifest.itemCount}`,
      manifest,
    };
  }
  options.manifestSound?.(dir, manifest);
  const payloads = new Map<string, Buffer>();
  const stamps = await readStamps(dir);
  const verified: Record<string, FileStamp> = {};
  let hashed = false;
  for (const name of Object.keys(manifest.files).sort()) {
    const graph = shards.includes(name);
    const read = await readListedFile(root, live, name, !graph && (options.inMemory?.(name) ?? true), stamps[name]);
    if (read.status !== "ok") return read;
    if (read.data) payloads.set(name, read.data);
    verified[name] = read.stamp;
    hashed ||= read.stamp !== stamps[name];
  }
  if (hashed) await writeStamps(dir, verified);
  return { status: "ok", manifest, generation, dir, payloads };
}

/**
 * Reads one file the manifest lists and checks its size and sha256 (hashing in slices, so
 * the event loop keeps running), unless it is exactly as `stamp` recorded it last time its
 * checksum held. With `keep` false the file is checked without being held.
 */
export async function readListedFile(
  root: string,
  live: Extract<LiveGeneration, { status: "ok" }>,
  name: string,
  keep = true,
  stamp?: FileStamp,
): Promise<{ readonly status: "ok"; readonly data?: Buffer; readonly stamp: FileStamp } | IndexProblem> {
  const { manifest, dir, generation } = live;
  const show = displayPath(root, generation, name);
  const entry = manifest.files[name];
  if (!entry) return { status: "corrupt", reason: `${displayPath(root, generation, MANIFEST_FILE)}: does not list ${name}`, manifest };
  const file = path.join(dir, name);
  // lstat, not stat: a symlink could lead the check (and hnswlib) anywhere.
  const st = await fs.lstat(file).catch(() => undefined);
  if (!st) return { status: "corrupt", reason: `${show}: missing (listed in the manifest)`, manifest };
  if (!st.isFile()) return { status: "corrupt", reason: `${show}: not a regular file`, manifest };
  if (st.size !== entry.bytes) {
    return { status: "corrupt", reason: `${show}: ${st.size} bytes, the manifest says ${entry.bytes} (truncated or damaged)`, manifest };
  }
  const trusted = unchanged(st, entry.sha256, stamp);
  let data: Buffer | undefined;
  let actual: { bytes: number; sha256: string };
  try {
    data = keep ? await fs.readFile(file) : undefined;
    if (trusted) actual = { bytes: data?.length ?? st.size, sha256: entry.sha256 };
    else actual = data ? { bytes: data.length, sha256: await sha256HexSliced(data) } : await hashFile(file);
  } catch (err) {
    // Removed between the check and the read: a concurrent build swapped generations (openIndex retries).
    if (isCode(err, "ENOENT", "ENOTDIR")) return { status: "corrupt", reason: `${show}: missing (removed while it was read)`, manifest };
    throw err;
  }
  if (actual.bytes !== entry.bytes || actual.sha256 !== entry.sha256) {
    return { status: "corrupt", reason: `${show}: checksum mismatch (file changed or damaged)`, manifest };
  }
  // The stat taken before reading: a write after it moves the change time away from the stamp.
  const now = trusted ? stamp! : stampOf(st, entry.sha256);
  return data ? { status: "ok", data, stamp: now } : { status: "ok", stamp: now };
}

/**
 * Verifies the live generation in `root` and, if sound, loads its vector graph.
 * Never throws for a missing, stale or damaged index; only for unexpected I/O errors.
 */
export async function openIndex<T = undefined>(
  root: string,
  expected: ExpectedIndex,
  options: OpenOptions & PrepareOptions<T> = {},
): Promise<OpenIndexResult<T>> {
  let result: OpenIndexResult<T> = { status: "missing", reason: "not attempted" };
  for (let attempt = 0; attempt < OPEN_ATTEMPTS; attempt++) {
    const tried = await readPointer(root);
    result = await openOnce(root, expected, options);
    if (result.status !== "corrupt") return result;
    // A concurrent build may have swapped and removed the generation mid-read: retry
    // with the new one. A generation that is damaged on its own stays damaged.
    const now = await readPointer(root);
    const moved = tried.state === "ok" && now.state === "ok" && tried.generation !== now.generation;
    if (!moved) return result;
  }
  return result;
}

async function openOnce<T>(root: string, expected: ExpectedIndex, options: OpenOptions & PrepareOptions<T>): Promise<OpenIndexResult<T>> {
  let graph: Promise<VectorSearch> | undefined;
  const verified = await verifyIndex(root, expected, {
    ...options,
    manifestSound: (dir, manifest) => {
      graph = (options.loadGraph ?? loadShards)(dir, manifest);
      graph.catch(() => {}); // a failure is reported below, or the graph is dropped with a damaged index
      options.manifestSound?.(dir, manifest);
    },
  });
  if (verified.status !== "ok") return verified;
  const { manifest, generation } = verified;
  let prepared: T;
  try {
    prepared = (await options.prepare?.(verified, graph!)) as T;
  } catch (err) {
    return { status: "corrupt", reason: `${generation}/${(err as Error).message}`, manifest };
  }
  try {
    return { ...verified, graph: await graph!, prepared };
  } catch (err) {
    if (!(err instanceof IndexLoadError)) throw err;
    const where = displayPath(root, generation, path.basename(err.path));
    return { status: "corrupt", reason: err.message.split(err.path).join(where), manifest };
  }
}

type SmallRead = { kind: "ok"; data: Buffer } | { kind: "missing" } | { kind: "too-big" };

async function readSmallFile(file: string, limit: number): Promise<SmallRead> {
  let st;
  try {
    st = await fs.lstat(file);
  } catch (err) {
    if (isCode(err, "ENOENT", "ENOTDIR")) return { kind: "missing" };
    throw err;
  }
  if (!st.isFile()) return { kind: "missing" };
  if (st.size > limit) return { kind: "too-big" };
  try {
    return { kind: "ok", data: await fs.readFile(file) };
  } catch (err) {
    // Removed since the lstat: a concurrent build swapped generations and cleaned this one (openIndex retries).
    if (isCode(err, "ENOENT", "ENOTDIR")) return { kind: "missing" };
    throw err;
  }
}
