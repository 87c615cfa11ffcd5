/**
 * The embedded default: a chat in the terminal over the same pipeline and the same
 * commands as the Telegram bot, so a newcomer can try the bot with no token and no
 * network. In a terminal it is a line editor (node's readline): editing keys, history
 * (↑/↓, kept in the data folder), Ctrl-L clears the screen, Ctrl-C cancels the line,
 * Ctrl-D leaves. Driven by another process through stdin, it reads lines plainly and
 * ends cleanly at end of input.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { Transform, type Readable, type Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { ConversationTurn } from "../../answer/types.ts";
import type { QaService } from "../../service/contract.ts";
import { aboutReply } from "../../commands/about.ts";
import { answerReply } from "../../commands/ask.ts";
import { docsReply } from "../../commands/docs.ts";
import { helpReply } from "../../commands/help.ts";
import { itemReply } from "../../commands/item.ts";
import type { Reply } from "../../commands/reply.ts";
import { Redactor } from "../../logging/redact.ts";
import { SerialQueue } from "../../util/serial-queue.ts";
import { WORDING, type CommandName } from "../../wording/wording.ts";
import { pageText } from "../format/reply-text.ts";

export const TERMINAL_DEFAULTS = {
  prompt: WORDING.terminalPrompt,
  /** Lines kept in the history file. */
  historySize: 500,
  /** Example questions /help shows. */
  helpExamples: 4,
  /** The history file's name in the data folder. */
  historyFile: "chat-history",
} as const;

/** The commands of the terminal chat, as /help lists them. */
const TERMINAL_MENU: readonly CommandName[] = ["docs", "item", "more", "about", "help", "quit"];

export interface TerminalChatOptions {
  /** Line editing, prompt and history: on when the chat runs in a terminal. */
  readonly terminal?: boolean;
  /** Where the history is kept between runs (terminal mode); without it, history lasts the session. */
  readonly historyFile?: string;
}

async function readHistory(file: string | undefined): Promise<string[]> {
  if (!file) return [];
  try {
    const lines = (await fs.readFile(file, "utf8")).split("\n").filter((l) => l.trim() !== "");
    return lines.slice(-TERMINAL_DEFAULTS.historySize).reverse(); // readline wants the newest first
  } catch {
    return [];
  }
}

/** Writes the history, oldest first, through the one redaction (tokens, keys, URL passwords); readable by its owner only. */
async function writeHistory(file: string, newestFirst: readonly string[]): Promise<void> {
  const redactor = new Redactor();
  const lines = [...newestFirst].reverse().map((l) => redactor.text(l));
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, lines.join("\n") + "\n", { mode: 0o600 });
}

/**
 * Node's readline (20.x) puts every character of a multi-character chunk but the last at
 * the end of the line, wherever the cursor is. A Chinese input method commits 最高 as one
 * chunk, so a word typed into the middle of a line came out scrambled. Fed one character
 * per chunk, readline inserts each at the cursor. The stream stands in for the terminal:
 * raw mode is passed through to it.
 */
function oneCharacterPerChunk(input: Readable): Transform {
  const decoder = new StringDecoder("utf8");
  // Object mode on the reading side keeps the characters in separate chunks.
  const split = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer | string, _encoding, done) {
      for (const ch of typeof chunk === "string" ? chunk : decoder.write(chunk)) this.push(ch);
      done();
    },
  });
  const tty = input as Readable & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  if (tty.setRawMode) Object.assign(split, { isTTY: tty.isTTY, setRawMode: (mode: boolean) => tty.setRawMode!(mode) });
  return input.pipe(split);
}

/** Runs the chat until end of input, Ctrl-D or /quit; resolves with the number of questions answered. */
export async function runTerminalChat(
  service: QaService,
  input: Readable,
  output: Writable,
  options: TerminalChatOptions = {},
): Promise<number> {
  const terminal = options.terminal ?? false;
  const history = terminal ? await readHistory(options.historyFile) : [];
  const split = terminal ? oneCharacterPerChunk(input) : undefined;
  const source = split ?? input;
  const rl = readline.createInterface({
    input: source,
    ...(terminal ? { output, history, historySize: TERMINAL_DEFAULTS.historySize, removeHistoryDuplicates: true } : {}),
    terminal,
    prompt: TERMINAL_DEFAULTS.prompt,
  });
  const write = (text: string) => output.write(text + "\n");
  const saving = new SerialQueue();
  if (terminal && options.historyFile) {
    const file = options.historyFile;
    rl.on("history", (lines: string[]) => {
      // Saved in order, one write at a time; a failure costs the history, never the chat.
      saving.run(() => writeHistory(file, lines)).catch(() => {});
    });
  }
  if (terminal) {
    rl.on("SIGINT", () => {
      // Ctrl-C cancels what was typed and starts a fresh line.
      rl.write(null, { ctrl: true, name: "e" });
      rl.write(null, { ctrl: true, name: "u" });
      output.write("^C\n");
      rl.prompt();
    });
  }

  write(WORDING.terminalWelcome(service.corpus().documents.length));
  if (terminal) rl.prompt();
  let answered = 0;
  let previous: ConversationTurn | undefined;
  let pending: { reply: Reply; next: number } | undefined;
  const show = (reply: Reply, index = 0) => {
    const page = reply.page(index);
    write(pageText(page, { hint: true }));
    pending = page.more ? { reply, next: index + 1 } : undefined;
  };

  for await (const raw of rl) {
    const line = raw.trim();
    const [command = "", ...args] = line.split(/\s+/);
    if (line === "") {
      if (terminal) rl.prompt();
      continue;
    }
    if (command === "/quit" || command === "/exit") break;
    if (command === "/help" || command === "/start") {
      const documents = service.corpus().documents.map((d) => d.meta);
      show(helpReply({ intro: [WORDING.introTerminal], documents, examples: TERMINAL_DEFAULTS.helpExamples, commands: TERMINAL_MENU }));
    } else if (command === "/docs") {
      show(docsReply(service.corpus(), args.join(" ")));
    } else if (command === "/item") {
      show(itemReply(service.corpus(), args.join(" ")));
    } else if (command === "/about") {
      show(aboutReply(service.about()));
    } else if (command === "/more") {
      if (pending) show(pending.reply, pending.next);
      else write(WORDING.noMore);
    } else if (command.startsWith("/")) {
      write(WORDING.unknownTerminalCommand(command));
    } else {
      const answer = await service.ask(line, { previous });
      previous = answer.turn;
      show(answerReply(answer));
      answered++;
    }
    write("");
    if (terminal) rl.prompt();
  }
  rl.close();
  if (split) {
    // Let go of the terminal, so the process can end.
    input.unpipe(split);
    input.pause();
  }
  await saving.idle();
  return answered;
}
