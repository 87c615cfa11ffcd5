/** The Telegram front end: build with createBot, run with startBot. */
export { createBot } from "./create-bot.ts";
export { BotStartError, startBot } from "./start-bot.ts";
