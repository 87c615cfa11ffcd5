/**
 * Starts one of the program's modules as a child process with an IPC channel: from the
 * compiled build, the compiled module of that name beside this one (scripts/build-dist.mjs
 * lists it as an entry); from TypeScript sources (tests, development), the source module
 * through tsx. The child gets this process's environment (or the one given) and none of
 * its node flags.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { tsxModuleUrl } from "./tsx-entry.ts";

/**
 * @param entry the build's entry name (e.g. "index-build-process")
 * @param source the module's path under src/ (e.g. "service/index-build-process.ts")
 */
export function forkModule(entry: string, source: string, env: NodeJS.ProcessEnv = process.env): ChildProcess {
  const here = import.meta.url;
  const compiled = !here.endsWith(".ts");
  const file = fileURLToPath(compiled ? new URL(`./${entry}.js`, here) : new URL(`../${source}`, here));
  return fork(file, [], {
    execArgv: compiled ? [] : ["--import", tsxModuleUrl(here, ".")],
    env,
    // Structured clone, as between threads: a message keeps what JSON would change (undefined, typed arrays, Maps, dates).
    serialization: "advanced",
    // stderr is shared, so that a crash's trace is seen; the child's output goes through the channel.
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
}
