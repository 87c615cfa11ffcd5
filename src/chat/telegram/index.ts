/** The Telegram front end: build with createBot, run with startBot. */
export { createBot, type PolicyBot } from "./create-bot.ts";
export { BotStartError, startBot, START_DEFAULTS, type RunningBot, type StartBotOptions, type StopOutcome } from "./start-bot.ts";
export { BOT_DEFAULTS, type CreateBotOptions } from "./deps.ts";
export { JOURNAL_FILES, type BotStats } from "./journal.ts";
