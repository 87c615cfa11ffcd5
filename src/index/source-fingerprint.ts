/**
 * What the seeds folder holds, cheaply: each seed file's name, size, modification time
 * and sha256. The index saves this list; on the next start a file whose name, size and
 * time are unchanged keeps its recorded sha256 and is not read, so deciding that a
 * 10,000-circular index is current costs a directory listing and a stat per file. A
 * file whose time changed is hashed again, so touching a file (or a fresh checkout)
 * does not force a rebuild; a changed content does.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { SEED_FILE } from "../corpus/load-corpus.ts";
import { MAX_SEED_BYTES } from "../corpus/decode-file.ts";
import { sha256Hex } from "./manifest.ts";

export const SourceFileSchema = z.object({
  name: z.string(),
  bytes: z.number().int().nonnegative(),
  mtimeMs: z.number(),
  /** sha256 of the content; for a file too large to be a seed, or unreadable, a marker instead. */
  sha256: z.string(),
});

export type SourceFile = z.infer<typeof SourceFileSchema>;

/** Files read in parallel while fingerprinting. */
const PARALLEL = 16;
/**
 * A file changed this recently may change again within the same clock tick without its
 * time moving: it is recorded with no time (-1), so the next check reads it again.
 */
const RACY_MS = 2000;

/**
 * The seed files of `dir` in name order (the files loadCorpus reads). Entries of
 * `previous` with the same name, size and time are trusted for their sha256.
 * An unreadable folder gives an empty list (loadCorpus reports why).
 */
export async function fingerprintSeeds(dir: string, previous: readonly SourceFile[] = []): Promise<SourceFile[]> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => SEED_FILE.test(n)).sort();
  } catch {
    return [];
  }
  const known = new Map(previous.map((f) => [f.name, f]));
  const out: SourceFile[] = new Array(names.length);
  let next = 0;
  const work = async () => {
    for (let i = next++; i < names.length; i = next++) out[i] = await fingerprintFile(dir, names[i]!, known.get(names[i]!));
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, names.length) }, work));
  return out;
}

async function fingerprintFile(dir: string, name: string, before: SourceFile | undefined): Promise<SourceFile> {
  const file = path.join(dir, name);
  let st;
  try {
    st = await fs.stat(file);
  } catch {
    return { name, bytes: 0, mtimeMs: 0, sha256: "unreadable" };
  }
  const bytes = st.size;
  const mtimeMs = st.mtimeMs;
  if (before && before.bytes === bytes && before.mtimeMs === mtimeMs) return before;
  const trusted = Date.now() - mtimeMs > RACY_MS ? mtimeMs : -1;
  // loadCorpus refuses such a file by its size without reading it; so does this.
  if (bytes > MAX_SEED_BYTES) return { name, bytes, mtimeMs: trusted, sha256: "too-large" };
  try {
    return { name, bytes, mtimeMs: trusted, sha256: sha256Hex(await fs.readFile(file)) };
  } catch {
    return { name, bytes, mtimeMs: trusted, sha256: "unreadable" };
  }
}
