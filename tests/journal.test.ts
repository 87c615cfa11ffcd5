/**
 * The bot's journals (questions.jsonl, feedback.jsonl) on a disk that fills up or a
 * file a crash cut short (issue 12 §7): nothing acknowledged is lost, and a failed
 * append does not take the next record down with it.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BotJournal, JOURNAL_FILES, type QuestionRecord } from "../src/chat/telegram/journal.ts";
import { silentLogger } from "../src/logging/logger.ts";
import { NODE_APPEND_IO, type AppendIo } from "../src/util/json-lines.ts";
import { tempDirs } from "./helpers/temp-dirs.ts";

const tempDir = tempDirs("journal");

const question = (answerId: string, text = "技校一年学费收多少？"): QuestionRecord => ({
  answerId, time: "2026-01-01T00:00:00.000Z", chatId: 1, userId: 1, chatType: "private", question: text, refused: false,
  citations: [{ file: "004_14cb77bf2456b070.txt", item: "33" }], ms: 5,
});

const lines = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), "utf8").split("\n").filter(Boolean);

describe("journal on a bad disk", () => {
  it("a question log a crash left without its last newline: the next question is logged whole", async () => {
    const dir = tempDir("disk");
    const cut = JSON.stringify(question("cutShort1")).slice(0, 40);
    fs.writeFileSync(path.join(dir, JOURNAL_FILES.questions), JSON.stringify(question("whole1")) + "\n" + cut);
    const journal = new BotJournal(dir, silentLogger);
    await journal.recordQuestion(question("after1"));
    expect((await journal.stats()).questions).toBe(2);
    expect(await journal.findAnswer("after1")).toMatchObject({ answerId: "after1" });
    expect(lines(dir, JOURNAL_FILES.questions).map((l) => l.slice(0, 25))).toEqual([
      '{"answerId":"whole1","tim', cut.slice(0, 25), '{"answerId":"after1","tim',
    ]);
  });

  it("ENOSPC half-way through a vote: that vote fails, the votes before and after it are whole", async () => {
    const dir = tempDir("disk");
    let budget = Infinity;
    const io: AppendIo = {
      ...NODE_APPEND_IO,
      write(fd, buffer, offset, length) {
        if (budget <= 0) throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
        const n = Math.min(length, budget);
        budget -= n;
        return NODE_APPEND_IO.write(fd, buffer, offset, n);
      },
    };
    const journal = new BotJournal(dir, silentLogger, { io });
    for (const id of ["a1", "a2", "a3"]) await journal.recordQuestion(question(id));
    await journal.recordVote({ answerId: "a1", vote: "up", userId: 1, chatId: 1 });
    budget = 30;
    await expect(journal.recordVote({ answerId: "a2", vote: "down", userId: 1, chatId: 1 })).rejects.toMatchObject({ code: "ENOSPC" });
    budget = Infinity;
    await journal.recordVote({ answerId: "a3", vote: "up", userId: 1, chatId: 1 });
    expect(lines(dir, JOURNAL_FILES.feedback).map((l) => JSON.parse(l).answerId)).toEqual(["a1", "a3"]);
    expect(await journal.stats()).toMatchObject({ questions: 3, up: 2, down: 0 });
  });
});
