/**
 * Runs the real entry point, `policybot start`, as a child process until it exits, for
 * tests of how it ends (exit codes, what it prints). Asynchronous on purpose: the Bot
 * API emulator it talks to runs in the test's own process and must keep answering.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config/settings.ts";

/** `policybot start` with only PATH and `env`; its exit code and everything it printed (stdout and stderr). */
export async function runStart(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin/policybot.mjs"), "start"], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString("utf8")));
  child.stderr.on("data", (d: Buffer) => (output += d.toString("utf8")));
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  return { code, output };
}
