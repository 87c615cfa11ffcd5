/**
 * Talk to the bot by hand without Telegram: starts the telegram-test-api Bot API emulator
 * (with the tests' gateway in front, which adds long polling and the methods the emulator
 * lacks) on 127.0.0.1, prints how to start the bot against it, and then lets you type as
 * a user. See docs/telegram.md.
 *
 *   npm run emulator                  # a private chat
 *   npm run emulator -- --group       # a group: @mention the bot or use /ask
 *
 * Lines starting with / are sent as commands; `!press N` presses the N-th button under the
 * bot's last message; `!quit` (or Ctrl-D) stops the emulator.
 */
import readline from "node:readline";
import { parseArgs } from "node:util";
import { phoneView } from "../tests/helpers/phone-view.ts";
import { EMULATED_BOT, startEmulator, testToken, type BotMessage } from "../tests/helpers/telegram-emulator.ts";

const { values } = parseArgs({ options: { group: { type: "boolean", default: false } } });
const USER = 1001;
const GROUP = -100777;
const token = testToken(0);
const harness = await startEmulator();
const chat = harness.chat(token, values.group ? { userId: USER, chatId: GROUP, type: "supergroup" } : { userId: USER });

process.stdout.write(
  [
    `Bot API emulator at ${harness.gateway.apiRoot} (the bot is @${EMULATED_BOT.username}).`,
    "Start the bot in another terminal:",
    "",
    `  TELEGRAM_BOT_TOKEN=${token} TELEGRAM_API_ROOT=${harness.gateway.apiRoot} POLICYBOT_DATA_DIR=.data-emulator npm start`,
    "",
    `Then type here as user ${USER}${values.group ? ` in group ${GROUP} (@${EMULATED_BOT.username} 问题, or /ask 问题)` : ""}.`,
    "",
  ].join("\n"),
);

let last: BotMessage | undefined;
// The bot's messages, as they arrive.
const timer = setInterval(async () => {
  for (const m of await chat.collect(0)) {
    last = m;
    process.stdout.write(`\n── bot (message ${m.messageId}) ──\n${phoneView(m)}\n`);
  }
}, 300);

const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY === true });
for await (const line of rl) {
  const text = line.trim();
  if (text === "" ) continue;
  if (text === "!quit") break;
  const press = /^!press\s+(\d+)$/.exec(text);
  if (press) {
    const button = last?.buttons[Number(press[1]) - 1];
    if (!last || !button?.data) process.stdout.write("No such button under the last message.\n");
    else await chat.press(button.data, last.messageId);
  } else if (text.startsWith("/")) {
    await chat.command(text);
  } else {
    const handle = `@${EMULATED_BOT.username}`;
    const mention = values.group && text.startsWith(handle) ? { entities: [{ type: "mention", offset: 0, length: handle.length }] } : {};
    await chat.say(text, mention);
  }
}
clearInterval(timer);
rl.close();
await harness.close();
