/** The Telegram front end: build with createBot, run with startBot. */
export { createBot, type PolicyBot } from "./create-bot.ts";
export { startBot, START_DEFAULTS, type RunningBot, type StartBotOptions } from "./start-bot.ts";
export { BOT_DEFAULTS, type CreateBotOptions } from "./deps.ts";
export { JOURNAL_FILES, type BotStats } from "./journal.ts";
