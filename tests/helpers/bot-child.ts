/**
 * Runs tests/helpers/bot-process.ts as a child process against an emulator, for tests
 * that stop or kill the bot the way an operating system does (SIGTERM, SIGKILL).
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { PROJECT_ROOT } from "../../src/config/settings.ts";

export interface BotChildOptions {
  readonly token: string;
  readonly apiRoot: string;
  readonly dataDir: string;
  /** More environment: FAKE_ASK_DELAY_MS, FAKE_HANG_ON, DRAIN_TIMEOUT_MS, LOG_LEVEL, SLOW_FSYNC_MS (a slow disk)… */
  readonly env?: Record<string, string>;
  /** How long to wait for "ready". */
  readonly readyTimeoutMs?: number;
}

export interface BotChild {
  readonly pid: number;
  /** Everything the process wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited and its output has been read to the end. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts the bot process; does not wait for it to be ready (see {@link startBotChild}). */
export function spawnBotChild(o: BotChildOptions): BotChild & { ready(timeoutMs?: number): Promise<boolean> } {
  const preload = o.env?.SLOW_FSYNC_MS ? ["--import", path.join(PROJECT_ROOT, "tests/helpers/slow-fsync.ts")] : [];
  const child = spawn(process.execPath, ["--import", "tsx", ...preload, path.join(PROJECT_ROOT, "tests/helpers/bot-process.ts")], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? "",
      TELEGRAM_BOT_TOKEN: o.token,
      TELEGRAM_API_ROOT: o.apiRoot,
      POLICYBOT_DATA_DIR: o.dataDir,
      LOG_LEVEL: "info",
      ...o.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // "close", not "exit": at "exit" the last lines written to the pipes may not have been read yet.
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  return {
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: (signal) => void child.kill(signal),
    /** Resolves true once the process prints "ready", false when it exits or the time is up first. */
    async ready(timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!out.includes("ready") && !gone && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return out.includes("ready");
    },
  };
}

/** Starts the bot process and resolves once it is polling. */
export async function startBotChild(o: BotChildOptions): Promise<BotChild> {
  const child = spawnBotChild(o);
  if (!(await child.ready(o.readyTimeoutMs))) {
    child.kill("SIGKILL");
    throw new Error(`bot process did not start: ${child.stderr().slice(-2000)}`);
  }
  return child;
}
