/**
 * The `policybot` command line: one entry point, one function per command.
 */
import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import path from "node:path";
import { DECISION_MODEL_FILE, UNFITTED_DECISION } from "../answer/decide/decision-model.ts";
import { ConfigError, loadSettings, PROJECT_ROOT, secretsOf, type Settings } from "../config/settings.ts";
import { loadCorpus } from "../corpus/load-corpus.ts";
import { runTerminalChat } from "../chat/terminal/terminal-chat.ts";
import { createLogger } from "../logging/logger.ts";
import { buildEngine, createQaService } from "../service/create-qa-service.ts";
import { askCommand } from "./ask-command.ts";
import { docsCommand, itemCommand, itemsCommand, type Io } from "./corpus-commands.ts";
import { evalCommand } from "./eval-command.ts";

const USAGE = `policybot — answers questions about education-policy circulars, with citations

Usage:
  policybot docs                       documents: id, title, number, date, item count
  policybot items [--json]             every parsed item (JSON Lines with --json)
  policybot item FILE LABEL            one item's full text, e.g. policybot item 004 33
  policybot ask [--json] "问题"         answer one question (CONTRACT §3 JSON with --json)
  policybot ask --json --batch FILE    answer every {"id","question"} line of FILE
  policybot eval [--holdout|--unseen]  cross-validated answer quality over eval/questions/
  policybot eval FILE [--json]         score a question set (CONTRACT §4) with the shipped model
  policybot fit                        fit the answer-or-refuse decision (data/decision-model.json)
  policybot chat                       chat in the terminal (no token, no network)
  policybot start                      the Telegram bot when TELEGRAM_BOT_TOKEN is set, else the terminal chat

Settings come from the environment; see README.md.`;

const stdio: Io = {
  out: (t) => process.stdout.write(t + "\n"),
  err: (t) => process.stderr.write(t + "\n"),
};

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
      help: { type: "boolean", short: "h", default: false },
      holdout: { type: "boolean", default: false },
      unseen: { type: "boolean", default: false },
    },
    strict: false,
  });
  switch (command) {
    case "docs":
      return docsCommand(await loadCorpus(settings.seedsDir), io);
    case "items":
      return itemsCommand(await loadCorpus(settings.seedsDir), io, values.json === true);
    case "item":
      return itemCommand(await loadCorpus(settings.seedsDir), io, positionals[0], positionals[1]);
    case "eval":
    case "fit": {
      const logger = createLogger({ minLevel: "warn", secrets: secretsOf(settings) });
      // Fitting starts without a fitted model: candidates do not depend on it.
      const engine = await buildEngine(settings, logger, command === "fit" || !existsSync(path.join(settings.vocabularyDir, DECISION_MODEL_FILE)) ? { decision: UNFITTED_DECISION } : {});
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
      // One-shot commands print answers on stdout; only warnings and errors go to stderr.
      const quiet = command === "ask" ? { minLevel: "warn" as const } : {};
      const logger = createLogger({ ...quiet, secrets: secretsOf(settings) });
      const service = await createQaService(settings, logger);
      if (command === "ask") return askCommand(service, io, { question: positionals.join(" "), json: values.json === true, batch: typeof values.batch === "string" ? values.batch : undefined });
      if (command === "start" && settings.telegram.token) {
        const { createBot, startBot } = await import("../chat/telegram/index.ts");
        const running = await startBot(createBot(service, settings, logger));
        logger.info(`Telegram bot running (${running.mode}); stop with Ctrl-C or SIGTERM`);
        await running.stopped;
        return 0;
      }
      await runTerminalChat(service, process.stdin, process.stdout, { prompt: process.stdin.isTTY === true });
      return 0;
    }
    case undefined:
    case "help":
    case "--help":
    case "-h":
      io.out(USAGE);
      return 0;
    default:
      io.err(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}
