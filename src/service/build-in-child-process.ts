/**
 * Runs an index build in a child process and waits for it. The process that answers
 * questions only relays the build's log lines meanwhile.
 */
import type { Logger } from "../logging/logger.ts";
import { forkModule } from "../util/child-process.ts";
import { NoCircularsError, type BuildRequest, type BuildResult } from "./build-search-index.ts";
import type { BuildProcessMessage } from "./index-build-process.ts";

/**
 * Builds an index generation in a child process.
 * @throws {NoCircularsError} when no seed file could be read; other errors as the build reported them.
 */
export function buildInChildProcess(request: BuildRequest, logger: Logger): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const child = forkModule("index-build-process", "service/index-build-process.ts", buildEnvironment(process.env));
    logger.debug("index build started", { process: child.pid });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    child.on("message", (m: BuildProcessMessage) => {
      if (m.type === "log") logger[m.level](m.message, m.fields);
      else if (m.type === "done") settle(() => resolve(m.result));
      else {
        const err =
          m.name === "NoCircularsError" ? new NoCircularsError(request.seedsDir) : Object.assign(new Error(m.message), { name: m.name });
        settle(() => reject(err));
      }
    });
    child.on("error", (err) => settle(() => reject(err)));
    child.on("exit", (code, signal) =>
      settle(() => reject(new Error(`the index build stopped unexpectedly (${signal ? `signal ${signal}` : `exit code ${code}`})`))),
    );
    child.send(request);
  });
}

/**
 * The build's environment: this one without glibc's huge-page malloc, which
 * bin/policybot.mjs asks for so that hnswlib loads a large graph faster, and which slows
 * building one (README, Scale: the 10,000-circular vector stage took 497 and 558 s with
 * it, 381 s without).
 */
export function buildEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const tunables = (env.GLIBC_TUNABLES ?? "").split(":").filter((t) => t && !t.startsWith("glibc.malloc.hugetlb="));
  const { GLIBC_TUNABLES: _, ...rest } = env;
  return tunables.length > 0 ? { ...rest, GLIBC_TUNABLES: tunables.join(":") } : rest;
}
