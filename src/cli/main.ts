/**
 * The `policybot` command line: one entry point, one function per command. It prints
 * what a user needs and nothing more: diagnostics come with --verbose or LOG_LEVEL, and
 * an expected failure (a bad setting, no readable circular, an index folder that cannot
 * be written) is one message and an exit code, never a stack trace.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadSettings, LOG_LEVELS, PROJECT_ROOT, secretsOf, type Settings } from "../config/settings.ts";
import type { Corpus, IngestProblem } from "../corpus/types.ts";
import { IndexWriteError } from "../index/errors.ts";
import { createLogger, type LogLevel } from "../logging/logger.ts";
import type { NoCircularsError } from "../service/build-search-index.ts";
import { CLI_WORDING } from "../wording/wording.ts";
import { askCommand } from "./ask-command.ts";
import type { Io } from "./corpus-commands.ts";

// Commands other than `ask` load their modules when run, so that `ask` starts without them.
const corpusCommands = () => import("./corpus-commands.ts");

const stdio: Io = {
  out: (t) => process.stdout.write(t + "\n"),
  err: (t) => process.stderr.write(t + "\n"),
};

const PROBLEM_LEVEL: Record<IngestProblem["severity"], LogLevel> = { info: "info", warning: "warn", error: "error" };

/** Loads the corpus and prints its problems that reach the log level (a skipped file, not a dropped duplicate table). */
async function corpusFor(settings: Settings, level: LogLevel, io: Io): Promise<Corpus> {
  const { loadCorpus } = await import("../corpus/load-corpus.ts");
  const corpus = await loadCorpus(settings.seedsDir);
  for (const p of corpus.problems) {
    if (LOG_LEVELS.indexOf(PROBLEM_LEVEL[p.severity]) >= LOG_LEVELS.indexOf(level)) io.err(CLI_WORDING.problem(p.severity, p.message));
  }
  return corpus;
}

/** Runs one command; returns the process exit code. */
export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const [command, ...rest] = argv;
  let settings: Settings;
  try {
    settings = loadSettings();
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 2;
    }
    throw err;
  }
  const { values, positionals } = parseArgs({
    args: [...rest],
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      batch: { type: "string" },
      page: { type: "string" },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      holdout: { type: "boolean", default: false },
      unseen: { type: "boolean", default: false },
    },
    strict: false,
  });
  // A running bot is a server and logs what it does; everything else speaks only when something is wrong.
  const server = command === "start" && settings.telegram.token !== undefined;
  const level: LogLevel = values.verbose === true ? "debug" : (settings.logLevel ?? (server ? "info" : "warn"));
  try {
    return await run(command, settings, level, { values, positionals }, io);
  } catch (err) {
    if (isNoCirculars(err) || err instanceof IndexWriteError || err instanceof ConfigError) {
      io.err(err.message);
      return err instanceof ConfigError ? 2 : 1;
    }
    throw err;
  }
}

// By name: the service module (and the models it loads) is imported only by the commands that answer.
const isNoCirculars = (err: unknown): err is NoCircularsError => err instanceof Error && err.name === "NoCircularsError";

async function run(
  command: string | undefined,
  settings: Settings,
  level: LogLevel,
  args: { values: Record<string, string | boolean | undefined>; positionals: string[] },
  io: Io,
): Promise<number> {
  const { values, positionals } = args;
  switch (command) {
    case "docs":
      return (await corpusCommands()).docsCommand(
        await corpusFor(settings, level, io),
        io,
        positionals,
        typeof values.page === "string" ? values.page : undefined,
      );
    case "items":
      return (await corpusCommands()).itemsCommand(await corpusFor(settings, level, io), io, values.json === true);
    case "item":
      return (await corpusCommands()).itemCommand(await corpusFor(settings, level, io), io, positionals);
    case "eval":
    case "fit": {
      const logger = createLogger({ minLevel: level, secrets: secretsOf(settings) });
      const { buildEngine } = await import("../service/create-qa-service.ts");
      const { DECISION_MODEL_FILE, UNFITTED_DECISION } = await import("../answer/decide/decision-model.ts");
      // Fitting starts without a fitted model: candidates do not depend on it.
      const unfitted = command === "fit" || !existsSync(path.join(settings.vocabularyDir, DECISION_MODEL_FILE));
      const engine = await buildEngine(settings, logger, unfitted ? { decision: UNFITTED_DECISION } : {});
      const { evalCommand } = await import("./eval-command.ts");
      return evalCommand(engine, io, {
        file: positionals[0],
        holdout: values.holdout === true,
        unseen: values.unseen === true,
        fit: command === "fit",
        json: values.json === true,
        questionsDir: path.join(PROJECT_ROOT, "eval", "questions"),
        vocabularyDir: settings.vocabularyDir,
      });
    }
    case "ask":
    case "chat":
    case "start": {
      const logger = createLogger({ minLevel: level, secrets: secretsOf(settings) });
      const { createQaService } = await import("../service/create-qa-service.ts");
      const service = await createQaService(settings, logger);
      const batch = typeof values.batch === "string" ? values.batch : undefined;
      if (command === "ask") return askCommand(service, io, { question: positionals.join(" "), json: values.json === true, batch });
      // A long-running front end works out in the background, in slices, what its first
      // list questions would otherwise work out at once (a 400 ms stall at 2,000 circulars).
      service.warm().catch((e: unknown) => logger.warn(`warming the answer stage failed: ${(e as Error).message}`));
      if (command === "start" && settings.telegram.token) {
        const { BotStartError, createBot, startBot } = await import("../chat/telegram/index.ts");
        const running = await startBot(createBot(service, settings, logger)).catch((e: unknown) => {
          if (!(e instanceof BotStartError)) throw e;
          logger.error(e.message);
          return e.exitCode;
        });
        if (typeof running === "number") return running;
        logger.info(`Telegram bot running (${running.mode}); stop with Ctrl-C or SIGTERM`);
        return (await running.stopped).exitCode;
      }
      const { runTerminalChat, TERMINAL_DEFAULTS } = await import("../chat/terminal/terminal-chat.ts");
      await runTerminalChat(service, process.stdin, process.stdout, {
        terminal: process.stdin.isTTY === true && process.stdout.isTTY === true,
        historyFile: path.join(settings.dataDir, TERMINAL_DEFAULTS.historyFile),
      });
      return 0;
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.out(CLI_WORDING.usage);
      return 0;
    default:
      io.err(`${CLI_WORDING.unknownCommand(command)}\n\n${CLI_WORDING.usage}`);
      return 2;
  }
}
