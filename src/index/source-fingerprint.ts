/**
 * What the seeds folder holds, cheaply: each seed file's name, size, modification time
 * and sha256. The index saves this list; on the next start a file whose name, size and
 * time are unchanged keeps its recorded sha256 and is not read, so deciding that a
 * 10,000-circular index is current costs a directory listing and a stat per file. A
 * file whose time changed is hashed again, so touching a file (or a fresh checkout)
 * does not force a rebuild; a changed content does.
 */
import { promises as fs, statSync, type Stats } from "node:fs";
import path from "node:path";
import * as z from "../util/zod.ts";
import { SEED_FILE } from "../corpus/load-corpus.ts";
import { MAX_SEED_BYTES } from "../corpus/decode-file.ts";
import { timeSlicer } from "../util/time-slice.ts";
import { sha256Hex } from "./manifest.ts";

export const SourceFileSchema = z.object({
  name: z.string(),
  bytes: z.int().check(z.nonnegative()),
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
  // Every file is stat'ed on this thread, in time slices: a stat through a promise costs
  // about three times as much here (10,000 files: 136–203 ms against 47–77 ms, measured),
  // and a start does it before anything else. Only files that changed are read, in parallel.
  const changed: { at: number; bytes: number; mtimeMs: number }[] = [];
  const slice = timeSlicer();
  for (let at = 0; at < names.length; at++) {
    const name = names[at]!;
    const st = statOrUndefined(path.join(dir, name));
    const before = known.get(name);
    if (!st) out[at] = { name, bytes: 0, mtimeMs: 0, sha256: "unreadable" };
    else if (before && before.bytes === st.size && before.mtimeMs === st.mtimeMs) out[at] = before;
    else changed.push({ at, bytes: st.size, mtimeMs: st.mtimeMs });
    if (slice.due()) await slice.pause();
  }
  let next = 0;
  const work = async () => {
    for (let i = next++; i < changed.length; i = next++) {
      const { at, bytes, mtimeMs } = changed[i]!;
      out[at] = await hashFile(dir, names[at]!, bytes, mtimeMs);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, changed.length) }, work));
  return out;
}

function statOrUndefined(file: string): Stats | undefined {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

/** The entry of a file whose size or time is not the one recorded. */
async function hashFile(dir: string, name: string, bytes: number, mtimeMs: number): Promise<SourceFile> {
  const trusted = Date.now() - mtimeMs > RACY_MS ? mtimeMs : -1;
  // loadCorpus refuses such a file by its size without reading it; so does this.
  if (bytes > MAX_SEED_BYTES) return { name, bytes, mtimeMs: trusted, sha256: "too-large" };
  try {
    return { name, bytes, mtimeMs: trusted, sha256: sha256Hex(await fs.readFile(path.join(dir, name))) };
  } catch {
    return { name, bytes, mtimeMs: trusted, sha256: "unreadable" };
  }
}
