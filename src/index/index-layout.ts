/**
 * Layout of the index root folder:
 *
 *   CURRENT                          one line: the name of the live generation
 *   gen-<time>-<pid>-<rand>/         complete generations, never changed once named
 *   .build-<pid>-<time>-<rand>/      builds in progress, or left by a crashed build
 *   .CURRENT-<pid>-<rand>.tmp        a pointer being written, renamed over CURRENT
 *
 * A generation folder gets its `gen-` name only after every file and its manifest are
 * on disk, and CURRENT is replaced by rename, so at every moment CURRENT names either
 * the old or the new complete generation. Other files in the root (README.md) are
 * left alone.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { isCode } from "../util/durable-fs.ts";

export const POINTER_FILE = "CURRENT";

/** e.g. 20250101T120000123Z: sortable, and safe in file names. */
const STAMP = String.raw`\d{8}T\d{9}Z`;
export const GENERATION_PATTERN = new RegExp(String.raw`^gen-(${STAMP})-(\d+)-([0-9a-f]{8})$`);
export const BUILD_PATTERN = new RegExp(String.raw`^\.build-(\d+)-(${STAMP})-([0-9a-f]{8})$`);
export const POINTER_TEMP_PATTERN = /^\.CURRENT-(\d+)-([0-9a-f]{8})\.tmp$/;

function stamp(date: Date): string {
  return date.toISOString().replace(/[-:.]/g, "");
}

function rand(): string {
  return randomBytes(4).toString("hex");
}

/** Time encoded in a stamp, in ms since the epoch. */
export function stampTime(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(s);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +m[7]!);
}

export function newGenerationName(now: Date = new Date()): string {
  return `gen-${stamp(now)}-${process.pid}-${rand()}`;
}

export function newBuildName(now: Date = new Date()): string {
  return `.build-${process.pid}-${stamp(now)}-${rand()}`;
}

export function newPointerTempName(): string {
  return `.CURRENT-${process.pid}-${rand()}.tmp`;
}

/** Parsed entry names: who made them and when. */
export type LayoutEntry =
  | { readonly kind: "generation"; readonly name: string; readonly pid: number; readonly time: number }
  | { readonly kind: "build"; readonly name: string; readonly pid: number; readonly time: number }
  | { readonly kind: "pointer-temp"; readonly name: string; readonly pid: number; readonly time: number };

export function parseEntryName(name: string): LayoutEntry | undefined {
  let m = GENERATION_PATTERN.exec(name);
  if (m) return { kind: "generation", name, pid: Number(m[2]), time: stampTime(m[1]!) };
  m = BUILD_PATTERN.exec(name);
  if (m) return { kind: "build", name, pid: Number(m[1]), time: stampTime(m[2]!) };
  m = POINTER_TEMP_PATTERN.exec(name);
  if (m) return { kind: "pointer-temp", name, pid: Number(m[1]), time: NaN };
  return undefined;
}

/** What CURRENT says. */
export type PointerState =
  | { readonly state: "ok"; readonly generation: string }
  | { readonly state: "no-root" | "no-pointer" }
  | { readonly state: "invalid"; readonly content: string };

/** Reads CURRENT without trusting it: only a well-formed generation name is accepted. */
export async function readPointer(root: string): Promise<PointerState> {
  let text: string;
  try {
    const fd = await fs.open(path.join(root, POINTER_FILE), "r");
    try {
      // A pointer is one short line; never read more of a crafted huge file.
      const buf = Buffer.alloc(256);
      const { bytesRead } = await fd.read(buf, 0, buf.length, 0);
      text = buf.subarray(0, bytesRead).toString("utf8");
    } finally {
      await fd.close();
    }
  } catch (err) {
    if (!isCode(err, "ENOENT", "ENOTDIR")) throw err;
    const rootExists = await fs.stat(root).then(
      (s) => s.isDirectory(),
      () => false,
    );
    return { state: rootExists ? "no-pointer" : "no-root" };
  }
  const generation = text.trim();
  return GENERATION_PATTERN.test(generation) ? { state: "ok", generation } : { state: "invalid", content: text.slice(0, 80) };
}

/** A short path for messages: the root's own name and what is inside it, e.g. index/gen-…/vectors.hnsw. */
export function displayPath(root: string, ...parts: string[]): string {
  return path.join(path.basename(path.resolve(root)), ...parts);
}

export { processAlive } from "../util/pid-lock.ts";

/**
 * Names of builds and generations this process is creating right now, so that a
 * cleanup running at the same time in this process leaves them alone.
 */
export const inFlight = new Set<string>();
