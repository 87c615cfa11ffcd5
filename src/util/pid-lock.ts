/**
 * A lock file holding the owner's process id, so that two processes never work on the
 * same folder (two bots on one data folder would answer every update twice and write
 * the same ledger). A lock whose process is gone (killed, crashed, the machine
 * restarted) is taken over, and the caller is told whose it was.
 *
 * Limits: two processes taking over the same stale lock at the same moment can both
 * succeed; a stale lock whose pid now belongs to an unrelated process is refused (the
 * message says which file to delete).
 */
import fs from "node:fs";
import { isCode } from "./durable-fs.ts";

/** Another live process holds the lock. */
export class LockHeldError extends Error {
  override readonly name = "LockHeldError";
  constructor(
    readonly file: string,
    readonly pid: number,
  ) {
    super(`${file} is held by process ${pid}, which is running. Stop that process first; if it is not a policybot, delete ${file}.`);
  }
}

/** Whether a process with this id runs on this machine (a process we may not signal still counts). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return !isCode(err, "ESRCH");
  }
}

/** Lock files this process holds (a second bot in the same process is refused too). */
const held = new Set<string>();

export interface PidLock {
  readonly file: string;
  /** The process whose stale lock was taken over, if any. */
  readonly tookOverFrom: number | undefined;
  /** Removes the lock (if it is still ours). */
  release(): void;
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (err) {
    if (isCode(err, "ENOENT")) return undefined;
    throw err;
  }
}

/**
 * Takes the lock `file` for this process.
 * @throws {LockHeldError} when a live process holds it.
 */
export function acquirePidLock(file: string): PidLock {
  let tookOverFrom: number | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, "wx");
      try {
        fs.writeSync(fd, `${process.pid}\n`);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      held.add(file);
      return {
        file,
        tookOverFrom,
        release() {
          held.delete(file);
          if (ownerOf(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if (!isCode(err, "EEXIST")) throw err;
    }
    const owner = ownerOf(file);
    // A lock file without a pid is one whose owner died between creating and writing it.
    if (owner !== undefined && processAlive(owner) && (owner !== process.pid || held.has(file))) throw new LockHeldError(file, owner);
    tookOverFrom = owner;
    fs.rmSync(file, { force: true });
  }
  throw new LockHeldError(file, ownerOf(file) ?? 0);
}
