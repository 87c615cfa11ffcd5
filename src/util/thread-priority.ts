/**
 * Lowers the scheduling priority of the calling thread only, so that background work (an
 * index rebuild) yields the cores to the thread that answers questions. Linux schedules
 * threads one by one: setpriority on a thread id changes that thread alone, and threads
 * it starts later inherit it. Elsewhere the same call would change the whole process, so
 * nothing is done there.
 */
import { readlinkSync } from "node:fs";
import os from "node:os";

/** The nice value set: the lowest priority, which still runs whenever a core is free. */
export const BACKGROUND_NICE = os.constants.priority.PRIORITY_LOW;

/**
 * Gives the calling thread the lowest priority. Returns its thread id, or undefined when
 * the platform schedules processes only or the system refuses (nothing changes then).
 */
export function lowerThisThreadPriority(): number | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    // /proc/thread-self links to /proc/<pid>/task/<tid> of the thread that reads it.
    const tid = Number(readlinkSync("/proc/thread-self").split("/").pop());
    if (!Number.isSafeInteger(tid) || tid <= 0) return undefined;
    os.setPriority(tid, BACKGROUND_NICE);
    return tid;
  } catch {
    return undefined;
  }
}
