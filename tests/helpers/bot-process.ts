/**
 * A bot process for signal tests: reads its settings from the environment (as the real
 * entry point does), answers with the slow seed-backed fake, and runs until SIGTERM or
 * SIGINT. Prints "ready" once polling, and exits 0 after a clean shutdown.
 */
import path from "node:path";
import { loadSettings, PROJECT_ROOT } from "../../src/config/settings.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createBot } from "../../src/chat/telegram/create-bot.ts";
import { startBot } from "../../src/chat/telegram/start-bot.ts";
import { createFakeQaService } from "./fake-qa.ts";

const settings = loadSettings(process.env);
const logger = createLogger({ minLevel: "info" });
const service = createFakeQaService(path.join(PROJECT_ROOT, "seeds"), { askDelayMs: Number(process.env.FAKE_ASK_DELAY_MS ?? 0) });
const bot = createBot(service, settings, logger);
const running = await startBot(bot, { pollTimeoutSeconds: 1 });
process.stdout.write("ready\n");
await running.stopped;
process.stdout.write("stopped\n");
