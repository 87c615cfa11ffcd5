/**
 * Lowers the scheduling priority of every thread of this process, so that background work
 * (an index rebuild, in its own process) yields the cores to the process that answers
 * questions. Linux schedules threads one by one: setpriority on a thread id changes that
 * thread alone, and threads it starts later inherit it; Node starts V8's and libuv's
 * threads before any code runs, so each is lowered by its id. Elsewhere the same call
 * would change a whole process, and nothing is done there.
 */
import { readdirSync } from "node:fs";
import os from "node:os";

/** The nice value set: the lowest priority, which still runs whenever a core is free. */
export const BACKGROUND_NICE = os.constants.priority.PRIORITY_LOW;

/**
 * Gives every thread of this process the lowest priority. Returns how many threads were
 * lowered, or undefined when the platform schedules processes only or the system refused.
 */
export function lowerThisProcessPriority(): number | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const tids = readdirSync("/proc/self/task").map(Number);
    for (const tid of tids) os.setPriority(tid, BACKGROUND_NICE);
    return tids.length;
  } catch {
    return undefined;
  }
}
