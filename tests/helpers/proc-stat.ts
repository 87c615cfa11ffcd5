/** Reading a process's or thread's line in /proc (Linux), for tests of processes and priorities. */
import fs from "node:fs";

/**
 * The fields of /proc/<pid>[/task/<tid>]/stat after the command name (the state first, the
 * nice value 16 on), or undefined when there is no such process or thread.
 */
export function statFields(pid: number, tid?: number): string[] | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces: the fields start after the last ")".
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Whether a process has ended: gone, or a zombie no one has reaped yet. */
export const hasEnded = (pid: number): boolean => (statFields(pid)?.[0] ?? "Z") === "Z";
