/**
 * A child process (started by tests/util.test.ts through util/child-process.ts) that lowers
 * the priority of all its threads as the index build does, reports how many it lowered,
 * and stays until its parent disconnects.
 */
import { lowerThisProcessPriority } from "../../src/util/thread-priority.ts";

process.send!({ threads: lowerThisProcessPriority() ?? null });
process.on("disconnect", () => process.exit(0));
