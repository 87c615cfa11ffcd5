/**
 * Writes a screenshot-like transcript of what a phone shows for one question: the real
 * service and the real bot on the Bot API emulator (loopback), every message the bot sends,
 * rendered as a chat client shows Telegram HTML (bold, quotes, buttons), then the pages a
 * "更多" press brings. Used for docs/phone-transcript.md:
 *
 *   node --import tsx scripts/phone-transcript.ts "省教育厅负责哪些任务？"
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createChatTestService } from "../tests/helpers/chat-test-service.ts";
import { phoneView, visibleLength } from "../tests/helpers/phone-view.ts";
import { emulatorSettings, startBotOnEmulator, startEmulator, testToken } from "../tests/helpers/telegram-emulator.ts";

const question = process.argv[2] ?? "省教育厅负责哪些任务？";
const USER = 1001;

const harness = await startEmulator();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-transcript-"));
const token = testToken(77);
const bot = await startBotOnEmulator(harness, await createChatTestService(), emulatorSettings(harness, token, dir));
try {
  const chat = harness.chat(token, { userId: USER });
  await chat.say(question);
  const first = [...(await chat.replies(1, 20_000)), ...(await chat.collect(1_500))];
  const untilButton = first.findIndex((m) => m.buttons.length > 0);
  const before = first.slice(0, untilButton === -1 ? first.length : untilButton + 1).reduce((n, m) => n + visibleLength(m), 0);
  const out: string[] = [
    `Question: ${question}`,
    `Messages sent for the answer: ${first.length}; characters (as shown) before the first button: ${before}`,
    "",
  ];
  const folded = "(┃ marks an expandable quote: folded to its first lines until tapped)";
  first.forEach((m, k) => {
    const note = m.text.includes("<blockquote expandable>") ? [folded] : [];
    out.push(`--- message ${k + 1} (${visibleLength(m)} characters shown) ---`, phoneView(m), ...note, "");
  });
  // Later pages, one per press, as a reader who wants them all would get them.
  let last = first.at(-1);
  for (let press = 1; last && press <= 20; press++) {
    const more = last.buttons.find((b) => b.text.startsWith("更多"));
    if (!more?.data) break;
    await chat.press(more.data, last.messageId);
    const [page] = await chat.replies(1, 10_000);
    out.push(`--- after pressing “${more.text}” (${visibleLength(page!)} characters shown) ---`, phoneView(page!), "");
    last = page;
  }
  process.stdout.write(out.join("\n"));
} finally {
  await bot.running.stop();
  await harness.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
