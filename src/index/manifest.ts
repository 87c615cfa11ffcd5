/**
 * The manifest of an index folder: what the index was built from (format, embedding
 * model, corpus) and, for every file in the folder, its size and sha256. It is the
 * last file written in a build, so its presence marks a complete build, and it is
 * checked before any other file is read (see open-index.ts).
 */
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import * as z from "../util/zod.ts";
import { timeSlicer } from "../util/time-slice.ts";

/**
 * Version of the on-disk layout. Bump it whenever a file's format or the set of
 * files changes, so that old indexes are reported as stale instead of misread.
 */
export const INDEX_FORMAT_VERSION = 5;

/** File name of the manifest inside a generation folder. */
export const MANIFEST_FILE = "manifest.json";


/**
 * Names a payload file may have: one plain file name, no folders, not hidden, so a
 * crafted manifest cannot point outside its folder.
 */
export const SAFE_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/, "must be a sha256 in lowercase hex"));

const FileEntrySchema = z.object({
  bytes: z.int().check(z.nonnegative()),
  sha256: Sha256Hex,
});

/** How an HNSW graph was built and is searched (see HnswConfig). */
export const HnswConfigSchema = z.object({
  m: z.int().check(z.positive()),
  efConstruction: z.int().check(z.positive()),
  randomSeed: z.int(),
  efSearch: z.int().check(z.positive()),
  exhaustiveUpTo: z.int().check(z.nonnegative()),
});

/** The manifest as stored in `manifest.json`. */
export const ManifestSchema = z.object({
  formatVersion: z.int().check(z.positive()),
  embedding: z.object({
    model: z.string().check(z.minLength(1)),
    dimensions: z.int().check(z.positive()),
  }),
  inputsHash: Sha256Hex,
  builtAt: z.iso.datetime(),
  /** Number of vectors (one per passage). */
  itemCount: z.int().check(z.nonnegative()),
  /** Vectors per graph shard (see vector-shards.ts), in label order. */
  shards: z.array(z.int().check(z.nonnegative())).check(z.minLength(1)),
  /** How the graph was built and is searched. */
  hnsw: HnswConfigSchema,
  files: z
    .record(z.string().check(z.regex(SAFE_FILE_NAME, "is not a plain file name")), FileEntrySchema)
    .check(z.refine((files) => !(MANIFEST_FILE in files), "must not list the manifest itself")),
});

export type IndexManifest = z.infer<typeof ManifestSchema>;

/** Only the version, read first so a newer or older layout is reported as stale, not as damage. */
export const ManifestVersionSchema = z.object({ formatVersion: z.number() });

/** sha256 of bytes or text (UTF-8), lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Bytes hashed between pauses: about a millisecond of work. */
const HASH_SLICE = 1 << 20;

/** sha256 of bytes held in memory, computed in slices that let the event loop run between them. */
export async function sha256HexSliced(data: Uint8Array): Promise<string> {
  const hash = createHash("sha256");
  const slice = timeSlicer();
  for (let at = 0; at < data.length; at += HASH_SLICE) {
    hash.update(data.subarray(at, at + HASH_SLICE));
    if (slice.due()) await slice.pause();
  }
  return hash.digest("hex");
}

/** Size and sha256 of a file, read in pieces (a graph of a gigabyte never sits in memory whole). */
export async function hashFile(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash("sha256");
  const slice = timeSlicer();
  const fd = await fs.open(file, "r");
  const buf = Buffer.allocUnsafe(4 * HASH_SLICE);
  let bytes = 0;
  try {
    for (;;) {
      const { bytesRead } = await fd.read(buf, 0, buf.length, bytes);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      bytes += bytesRead;
      if (slice.due()) await slice.pause();
    }
  } finally {
    await fd.close();
  }
  return { bytes, sha256: hash.digest("hex") };
}

/**
 * JSON with object keys sorted at every level, so equal values always give equal
 * text. Follows JSON.stringify otherwise (toJSON honoured, undefined and functions
 * dropped from objects, non-finite numbers become null).
 * @throws {TypeError} on cycles and BigInt values, which JSON cannot express.
 */
export function stableJson(value: unknown): string {
  const seen = new Set<object>();
  const walk = (v: unknown, inArray: boolean): string | undefined => {
    if (v !== null && typeof v === "object" && typeof (v as { toJSON?: unknown }).toJSON === "function") {
      v = (v as { toJSON: () => unknown }).toJSON();
    }
    if (v === null) return "null";
    switch (typeof v) {
      case "string":
      case "boolean":
        return JSON.stringify(v);
      case "number":
        return Number.isFinite(v) ? JSON.stringify(v) : "null";
      case "bigint":
        throw new TypeError("stableJson: BigInt values cannot be hashed as JSON");
      case "undefined":
      case "function":
      case "symbol":
        return inArray ? "null" : undefined;
    }
    const obj = v as object;
    if (seen.has(obj)) throw new TypeError("stableJson: value contains a cycle");
    seen.add(obj);
    let out: string;
    if (Array.isArray(obj)) {
      out = "[" + obj.map((x) => walk(x, true) ?? "null").join(",") + "]";
    } else {
      const parts: string[] = [];
      for (const key of Object.keys(obj).sort()) {
        const s = walk((obj as Record<string, unknown>)[key], false);
        if (s !== undefined) parts.push(JSON.stringify(key) + ":" + s);
      }
      out = "{" + parts.join(",") + "}";
    }
    seen.delete(obj);
    return out;
  };
  return walk(value, false) ?? "null";
}

/**
 * Fingerprint of what an index is built from (or any JSON-like value): sha256 of its
 * stable JSON. Key order does not matter; array order does.
 */
export function hashInputs(value: unknown): string {
  return sha256Hex(stableJson(value));
}
