/**
 * Writes a new index generation and makes it live atomically. The build happens in
 * a private `.build-…` folder; every file is flushed, the manifest (sizes and
 * checksums of all files) is written last, the folder is renamed to its `gen-…`
 * name, and CURRENT is replaced by rename. A crash at any point leaves CURRENT naming
 * a complete generation; two builds at once each use their own folders and the
 * last to swap wins.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { silentLogger, type Logger } from "../logging/logger.ts";
import { cleanIndexFolder, CLEAN_DEFAULTS, type CleanOptions, type CleanReport } from "./clean-index.ts";
import { fsyncDir, fsyncFile, writeFileDurable } from "../util/durable-fs.ts";
import { IndexWriteError } from "./errors.ts";
import type { VectorShards } from "./vector-shards.ts";
import {
  inFlight,
  newBuildName,
  newGenerationName,
  newPointerTempName,
  POINTER_FILE,
} from "./index-layout.ts";
import { hashFile, INDEX_FORMAT_VERSION, MANIFEST_FILE, ManifestSchema, SAFE_FILE_NAME, type IndexManifest } from "./manifest.ts";

/** Points in a build, in order, reported to {@link WriteIndexOptions.onStage}. */
export type WriteStage =
  | "build-folder-created"
  | "vectors-saved"
  | "payload-written"
  | "files-synced"
  | "manifest-written"
  | "generation-named"
  | "pointer-written"
  | "pointer-swapped"
  | "cleaned";

export interface WriteIndexInput {
  /** The passages' vectors; saved as the shard files (see shardFile). */
  readonly vectors: VectorShards;
  /** The model that made the vectors; checked against the graph's dimensions. */
  readonly embedding: { readonly model: string; readonly dimensions: number };
  /** From {@link hashInputs} over everything the index was built from. */
  readonly inputsHash: string;
  /**
   * Further files of the index (e.g. `lexical.bin`), by file name: text, bytes, or bytes
   * in pieces written one after another. Names must be plain (letters, digits, `_ . -`)
   * and differ from the vector file and the manifest.
   */
  readonly payloads?: Readonly<Record<string, string | Uint8Array | readonly Uint8Array[]>>;
  /** Defaults to now. */
  readonly builtAt?: Date;
}

export interface WriteIndexOptions extends CleanOptions {
  /** Clean up older generations and crashed builds after the swap. */
  readonly clean: boolean;
  readonly logger: Logger;
  /** Called at each stage (awaited); for progress reports and crash tests. */
  readonly onStage?: (stage: WriteStage, detail: { readonly dir: string; readonly file?: string }) => void | Promise<void>;
}

export const WRITE_INDEX_DEFAULTS: WriteIndexOptions = {
  ...CLEAN_DEFAULTS,
  clean: true,
  logger: silentLogger,
};

export interface WriteIndexResult {
  /** Name of the new live generation folder. */
  readonly generation: string;
  /** Its absolute path. */
  readonly dir: string;
  readonly manifest: IndexManifest;
  readonly cleaned: CleanReport | undefined;
}

/**
 * Builds a new generation in `root` from a vector graph and payloads and makes it live.
 * @throws {IndexWriteError} when anything fails before the swap; the previous index
 *   stays live and the partial build is removed.
 */
export async function writeIndex(
  root: string,
  input: WriteIndexInput,
  options: Partial<WriteIndexOptions> = {},
): Promise<WriteIndexResult> {
  const opts = { ...WRITE_INDEX_DEFAULTS, ...options };
  const stage = async (s: WriteStage, dir: string, file?: string) => {
    await opts.onStage?.(s, { dir, ...(file === undefined ? {} : { file }) });
  };
  validateInput(root, input);

  try {
    await fs.mkdir(root, { recursive: true });
  } catch (cause) {
    throw new IndexWriteError(`cannot create index folder ${root}: ${String(cause)}`, root, { cause });
  }
  const buildName = newBuildName();
  const buildDir = path.join(root, buildName);
  // Named when the build is complete, so a generation's time says when it could
  // first go live (cleanup relies on that, see CleanOptions.pendingGenerationMs).
  let generation = "";
  let genDir = "";
  inFlight.add(buildName);
  let named = false;
  try {
    let manifest: IndexManifest;
    try {
      await fs.mkdir(buildDir);
      await stage("build-folder-created", buildDir);
      await input.vectors.save(buildDir);
      await stage("vectors-saved", buildDir);
      for (const [name, data] of Object.entries(input.payloads ?? {})) {
        await writePayload(path.join(buildDir, name), data);
        await stage("payload-written", buildDir, name);
      }

      // Checksums are taken from what is on disk after flushing, not from memory.
      const files: IndexManifest["files"] = {};
      for (const name of (await fs.readdir(buildDir)).sort()) {
        const file = path.join(buildDir, name);
        await fsyncFile(file);
        files[name] = await hashFile(file);
      }
      await stage("files-synced", buildDir);

      manifest = ManifestSchema.parse({
        formatVersion: INDEX_FORMAT_VERSION,
        embedding: { model: input.embedding.model, dimensions: input.embedding.dimensions },
        inputsHash: input.inputsHash,
        builtAt: (input.builtAt ?? new Date()).toISOString(),
        itemCount: input.vectors.size,
        shards: input.vectors.counts,
        hnsw: { ...input.vectors.config },
        files,
      } satisfies IndexManifest);
      await writeFileDurable(path.join(buildDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
      await fsyncDir(buildDir);
      await stage("manifest-written", buildDir);

      generation = newGenerationName();
      genDir = path.join(root, generation);
      inFlight.add(generation);
      await fs.rename(buildDir, genDir);
      named = true;
      await fsyncDir(root);
      await stage("generation-named", genDir);

      const tmp = path.join(root, newPointerTempName());
      inFlight.add(path.basename(tmp));
      try {
        await writeFileDurable(tmp, generation + "\n");
        await stage("pointer-written", genDir, tmp);
        await fs.rename(tmp, path.join(root, POINTER_FILE));
      } finally {
        inFlight.delete(path.basename(tmp));
      }
      await fsyncDir(root);
    } catch (cause) {
      await fs.rm(named ? genDir : buildDir, { recursive: true, force: true }).catch(() => {});
      if (cause instanceof IndexWriteError) throw cause;
      throw new IndexWriteError(`building the index in ${root} failed: ${String(cause)}`, root, { cause });
    }
    await stage("pointer-swapped", genDir);
    opts.logger.info("index written", { generation, items: manifest.itemCount, files: Object.keys(manifest.files).length });

    let cleaned: CleanReport | undefined;
    if (opts.clean) {
      cleaned = await cleanIndexFolder(root, opts).catch((err: unknown) => ({
        removed: [],
        errors: [{ name: root, message: String(err) }],
      }));
      for (const e of cleaned.errors) opts.logger.warn("index cleanup could not remove an entry", e);
      await stage("cleaned", genDir);
    }
    return { generation, dir: genDir, manifest, cleaned };
  } finally {
    inFlight.delete(buildName);
    inFlight.delete(generation);
  }
}

/** Writes a new file (never over an existing one) from text, bytes or bytes in pieces. */
async function writePayload(file: string, data: string | Uint8Array | readonly Uint8Array[]): Promise<void> {
  if (typeof data === "string" || data instanceof Uint8Array) {
    await fs.writeFile(file, data, { flag: "wx" });
    return;
  }
  const handle = await fs.open(file, "wx");
  try {
    for (const piece of data) {
      for (let at = 0; at < piece.length; ) at += (await handle.write(piece, at, piece.length - at)).bytesWritten;
    }
  } finally {
    await handle.close();
  }
}

function validateInput(root: string, input: WriteIndexInput): void {
  const dims = input.vectors.dimensions;
  if (dims !== input.embedding.dimensions) {
    throw new IndexWriteError(
      `the graph holds ${dims}-dimension vectors but model ${input.embedding.model} is declared with ${input.embedding.dimensions}`,
      root,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(input.inputsHash)) {
    throw new IndexWriteError("inputsHash must be a sha256 in lowercase hex (use hashInputs)", root);
  }
  const reserved = new Set<string>([MANIFEST_FILE]);
  for (const name of Object.keys(input.payloads ?? {})) {
    if (!SAFE_FILE_NAME.test(name)) {
      throw new IndexWriteError(`payload name "${name}" is not a plain file name (letters, digits, _ . -)`, root);
    }
    if (reserved.has(name) || /^vectors(\.\d+)?\.hnsw$/.test(name))
      throw new IndexWriteError(`payload name "${name}" is reserved for the index itself`, root);
  }
}
