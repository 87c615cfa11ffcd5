/**
 * The terminal chat as a line editor, driven through readline's input stream as a
 * terminal would drive it (keys as bytes: arrows, Backspace, Ctrl-C, Ctrl-L, Ctrl-D),
 * with the seed-backed fake service so that only the chat is under test.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { runTerminalChat } from "../src/chat/terminal/terminal-chat.ts";
import { WORDING } from "../src/wording/wording.ts";
import { countingService } from "./helpers/chat-test-service.ts";
import { createFakeQaService } from "./helpers/fake-qa.ts";

const KEY = { up: "\x1b[A", down: "\x1b[B", left: "\x1b[D", backspace: "\x7f", enter: "\r", ctrlC: "\x03", ctrlL: "\x0c", ctrlD: "\x04" };
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A chat on a pretend terminal: type bytes, read what the screen got (escape codes kept), wait for the end. */
function terminalChat(historyFile?: string) {
  const service = countingService(createFakeQaService(path.join(PROJECT_ROOT, "seeds")));
  const input = new PassThrough();
  let screen = "";
  const output = new Writable({
    write(chunk, _enc, done) {
      screen += chunk.toString();
      done();
    },
  });
  const done = runTerminalChat(service, input, output, { terminal: true, ...(historyFile ? { historyFile } : {}) });
  const settle = () => new Promise((r) => setTimeout(r, 30));
  return {
    service,
    done,
    screen: () => screen,
    /** The screen without cursor and colour codes. */
    text: () => screen.replace(/\x1b\[[0-9;]*[A-Za-z]/g, ""),
    async type(...keys: string[]) {
      for (const k of keys) {
        input.write(k);
        await settle();
      }
    },
  };
}

function historyFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-history-"));
  dirs.push(dir);
  return path.join(dir, "data", "chat-history");
}

describe("the terminal chat is a line editor", () => {
  it("edits a line before sending it: Backspace deletes, ← moves to insert", async () => {
    const chat = terminalChat();
    await chat.type("省财政厅负责哪些任务？？", KEY.backspace, KEY.enter);
    await chat.type("绩效工资几倍", KEY.left, KEY.left, "最高", KEY.enter);
    await chat.type(KEY.ctrlD);
    expect(await chat.done).toBe(2);
    expect(chat.service.asked).toEqual(["省财政厅负责哪些任务？", "绩效工资最高几倍"]);
  });

  it("recalls earlier questions with ↑ and ↓, and keeps them in the data folder for the next run", async () => {
    const file = historyFile();
    const first = terminalChat(file);
    await first.type("公办职校绩效工资最高几倍", KEY.enter, "/docs", KEY.enter);
    await first.type(KEY.up, KEY.up, KEY.enter); // the question again
    await first.type(KEY.ctrlD);
    await first.done;
    expect(first.service.asked).toEqual(["公办职校绩效工资最高几倍", "公办职校绩效工资最高几倍"]);
    // Oldest first, repeats not kept twice, readable by the owner only.
    expect(fs.readFileSync(file, "utf8")).toBe("/docs\n公办职校绩效工资最高几倍\n");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    const second = terminalChat(file);
    await second.type(KEY.up, KEY.enter, KEY.up, KEY.up, KEY.down, KEY.enter);
    await second.type(KEY.ctrlD);
    await second.done;
    expect(second.service.asked).toEqual(["公办职校绩效工资最高几倍", "公办职校绩效工资最高几倍"]);
  });

  it("never keeps a pasted bot token in the history", async () => {
    const file = historyFile();
    const chat = terminalChat(file);
    await chat.type("我的令牌 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0 怎么用", KEY.enter, KEY.ctrlD);
    await chat.done;
    expect(fs.readFileSync(file, "utf8")).toBe("我的令牌 [redacted] 怎么用\n");
  });

  it("Ctrl-C cancels the line being typed, Ctrl-L clears the screen, Ctrl-D leaves", async () => {
    const chat = terminalChat();
    await chat.type("这句不要了", KEY.ctrlC);
    expect(chat.text()).toContain("^C\n问> ");
    await chat.type("/about", KEY.enter);
    expect(chat.service.asked).toEqual([]);
    expect(chat.text()).toContain("关于本机器人");
    const before = chat.screen().length;
    await chat.type(KEY.ctrlL);
    // Cursor home, then clear to the end of the screen, then the prompt again.
    const cleared = chat.screen().slice(before);
    expect(cleared.startsWith("\x1b[1;1H\x1b[0J")).toBe(true);
    expect(cleared.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "")).toBe("问> ");
    await chat.type(KEY.ctrlD);
    expect(await chat.done).toBe(0);
  });

  it("shows a long list ten at a time, /more bringing the rest, and the same commands as the bot", async () => {
    const chat = terminalChat();
    await chat.type("省教育厅有哪些", KEY.enter);
    const answer = chat.text();
    expect(answer).toMatch(/（还有\d+项，输入 \/more 查看）/);
    await chat.type("/more", KEY.enter);
    expect(chat.text().slice(answer.length)).toMatch(/^\/more\r?\n（续，第2\/\d+页）/);
    await chat.type("/item 004 999", KEY.enter, "/nosuch", KEY.enter);
    // (The fake's rough parse of the task list misses two rows: 43 of 1–45.)
    expect(chat.text()).toContain("《山东省工作任务清单》没有“999”。共43项，请输入1–45。");
    expect(chat.text()).toContain(WORDING.unknownTerminalCommand("/nosuch"));
    await chat.type("/quit", KEY.enter);
    expect(await chat.done).toBe(1);
  });
});
