/**
 * Removes what builds leave behind in an index root: older generations, and build
 * folders and pointer temp files of builds that crashed. It never removes the live
 * generation, the newest older ones (a reader may still be opening them), a build of
 * this process in progress, or anything a running process made recently (its build
 * may still be going, or its new generation about to go live). Whether a process
 * runs is judged by the id in the entry's name, so this assumes one machine per
 * index folder; leftovers of ids that seem alive go after a grace period.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { isCode } from "../util/durable-fs.ts";
import { inFlight, newBuildName, parseEntryName, processAlive, readPointer, type LayoutEntry } from "./index-layout.ts";

export interface CleanOptions {
  /** Older generations kept besides the live one, for readers that opened them just before a swap. */
  readonly keepPrevious: number;
  /**
   * Leftovers of a process that still seems alive are removed after this long anyway
   * (its id may have been reused by an unrelated process, e.g. after a reboot).
   */
  readonly abandonedAfterMs: number;
  /**
   * A generation another running process named this recently may be about to go
   * live (it is named just before the pointer swap), so it is kept this long.
   */
  readonly pendingGenerationMs: number;
}

export const CLEAN_DEFAULTS: CleanOptions = {
  keepPrevious: 1,
  abandonedAfterMs: 6 * 60 * 60 * 1000,
  pendingGenerationMs: 10 * 60 * 1000,
};

export interface CleanReport {
  readonly removed: readonly string[];
  readonly errors: readonly { readonly name: string; readonly message: string }[];
}

/** Cleans an index root; errors on single entries are reported, not thrown. */
export async function cleanIndexFolder(root: string, options: Partial<CleanOptions> = {}): Promise<CleanReport> {
  const opts = { ...CLEAN_DEFAULTS, ...options };
  const pointer = await readPointer(root);
  if (pointer.state === "no-root") return { removed: [], errors: [] };
  const current = pointer.state === "ok" ? pointer.generation : undefined;

  const entries = (await fs.readdir(root)).map(parseEntryName).filter((e): e is LayoutEntry => e !== undefined);
  const previous = new Set(
    current === undefined
      ? []
      : entries
          .filter((e) => e.kind === "generation" && e.name < current)
          .map((e) => e.name)
          .sort()
          .slice(opts.keepPrevious > 0 ? -opts.keepPrevious : entries.length),
  );
  const now = Date.now();

  const removed: string[] = [];
  const errors: { name: string; message: string }[] = [];
  for (const e of entries) {
    if (inFlight.has(e.name)) continue;
    const graceMs = e.kind === "generation" ? opts.pendingGenerationMs : opts.abandonedAfterMs;
    const busyElsewhere = e.pid !== process.pid && processAlive(e.pid) && !(now - e.time > graceMs);
    if (busyElsewhere) continue;
    if (e.kind === "generation") {
      // Without a valid pointer there is no telling which generation is wanted: keep all.
      if (current === undefined || e.name === current || previous.has(e.name)) continue;
    }
    try {
      if (await removeEntry(root, e)) removed.push(e.name);
    } catch (err) {
      errors.push({ name: e.name, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return { removed, errors };
}

/** Removes one entry; false when it turned out to be live and was kept. */
async function removeEntry(root: string, e: LayoutEntry): Promise<boolean> {
  let target = path.join(root, e.name);
  if (e.kind === "generation") {
    const isLive = async () => {
      const p = await readPointer(root);
      return p.state === "ok" && p.generation === e.name;
    };
    // Another build may have made this generation live since the pointer was read.
    if (await isLive()) return false;
    // Take the name away first, in one step, so that a crash during removal leaves a
    // build leftover (removed next time), never a half-empty generation.
    const trash = path.join(root, newBuildName());
    try {
      await fs.rename(target, trash);
    } catch (err) {
      if (isCode(err, "ENOENT")) return false;
      throw err;
    }
    // The pointer may have been swapped to it between the check and the rename: undo.
    if (await isLive()) {
      await fs.rename(trash, target);
      return false;
    }
    target = trash;
  }
  await fs.rm(target, { recursive: true, force: true });
  return true;
}
