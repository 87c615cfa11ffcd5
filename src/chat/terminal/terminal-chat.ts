/**
 * The embedded default: a chat in the terminal over the same pipeline as the Telegram
 * bot, so a newcomer can try the bot with no token and no network. Works when another
 * process drives it through stdin and ends cleanly at end of input.
 */
import readline from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { ConversationTurn, QaService } from "../../answer/types.ts";

const HELP = `直接输入问题即可，例如：
  中职和普高的学籍能互转吗？
  绩效工资改革谁牵头？
  省财政厅负责哪些任务？
命令：
  /docs              文件列表
  /item 文件 条目     查看条目原文，例如 /item 004 33
  /help              帮助
  /quit              退出（或按 Ctrl-D）`;

/** Runs the chat until end of input or /quit; resolves with the number of questions answered. */
export async function runTerminalChat(service: QaService, input: Readable, output: Writable, options: { prompt?: boolean } = {}): Promise<number> {
  const write = (text: string) => output.write(text + "\n");
  const prompt = options.prompt ?? false;
  const rl = readline.createInterface({ input, terminal: false });
  write(`policybot — 政策文件问答（${service.documents().length} 份文件）。输入 /help 查看用法。`);
  if (prompt) output.write("问> ");
  let answered = 0;
  let previous: ConversationTurn | undefined;
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === "") {
      if (prompt) output.write("问> ");
      continue;
    }
    if (line === "/quit" || line === "/exit") break;
    if (line === "/help" || line === "/start") {
      write(HELP);
    } else if (line === "/docs") {
      for (const d of service.documents()) write(`${d.file.slice(0, 3)}  《${d.title}》${d.docNumber ? `（${d.docNumber}）` : ""}${d.date ? ` ${d.date}` : ""}`);
    } else if (line.startsWith("/item")) {
      const [, file, ...label] = line.split(/\s+/);
      if (!file || label.length === 0) {
        write("用法：/item 文件 条目，例如 /item 004 33 或 /item 003 三（二）2");
      } else {
        const hit = service.item(file, label.join(""));
        write(hit.found ? `《${hit.meta.title}》${hit.item.label ?? ""}\n${hit.item.text}` : hit.message);
      }
    } else if (line.startsWith("/")) {
      write(`未知命令 ${line.split(/\s/)[0]}。输入 /help 查看用法。`);
    } else {
      const answer = await service.ask(line, { previous });
      previous = answer.turn;
      write(answer.text);
      answered++;
    }
    write("");
    if (prompt) output.write("问> ");
  }
  rl.close();
  return answered;
}
