/**
 * The `policybot` command line: one entry point, one function per command.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadSettings, type Settings } from "../config/settings.ts";
import { loadCorpus } from "../corpus/load-corpus.ts";
import { docsCommand, itemCommand, itemsCommand, type Io } from "./corpus-commands.ts";

const USAGE = `policybot — answers questions about education-policy circulars, with citations

Usage:
  policybot docs                       documents: id, title, number, date, item count
  policybot items [--json]             every parsed item (JSON Lines with --json)
  policybot item FILE LABEL            one item's full text, e.g. policybot item 004 33

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
    options: { json: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    strict: false,
  });
  switch (command) {
    case "docs":
      return docsCommand(await loadCorpus(settings.seedsDir), io);
    case "items":
      return itemsCommand(await loadCorpus(settings.seedsDir), io, values.json === true);
    case "item":
      return itemCommand(await loadCorpus(settings.seedsDir), io, positionals[0], positionals[1]);
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
