/**
 * A worker thread (started by tests/util.test.ts through util/worker-thread.ts) that lowers
 * its own priority as the index build does, reports its thread id, and stays until told to stop.
 */
import { parentPort } from "node:worker_threads";
import { lowerThisThreadPriority } from "../../src/util/thread-priority.ts";

const port = parentPort!;
port.postMessage({ tid: lowerThisThreadPriority() ?? null });
port.once("message", () => port.close());
