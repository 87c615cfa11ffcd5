/**
 * A bot process for signal and restart tests: reads its settings from the environment
 * (as the real entry point does), answers with the seed-backed fake (or the real
 * service with BOT_SERVICE=real), and runs
 * until SIGTERM or SIGINT. Prints "ready" once polling, "stopped" once shutdown has
 * finished, and then exits at once with the bot's exit code (0 after a signal), as a
 * supervisor ending the process after its stop timeout would: an answer that outlived
 * the drain is cut off, not finished.
 *
 * Test knobs (environment):
 * - BOT_SERVICE=real: the real QA service over the project's seeds and index;
 * - FAKE_ASK_DELAY_MS: every answer of the fake takes this long;
 * - FAKE_HANG_ON: a question containing this text is never answered, by either service
 *   (the process is killed with it in flight);
 * - DRAIN_TIMEOUT_MS: how long shutdown waits for answers under way.
 */
import path from "node:path";
import type { AskOptions, QaService } from "../../src/service/contract.ts";
import { loadSettings, PROJECT_ROOT } from "../../src/config/settings.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createBot } from "../../src/chat/telegram/create-bot.ts";
import { BotStartError, startBot, START_DEFAULTS, type RunningBot } from "../../src/chat/telegram/start-bot.ts";
import { createQaService } from "../../src/service/create-qa-service.ts";
import { createFakeQaService } from "./fake-qa.ts";

const settings = loadSettings(process.env);
const logger = createLogger({ minLevel: settings.logLevel ?? "info" });
const base: QaService =
  process.env.BOT_SERVICE === "real"
    ? await createQaService(settings, logger)
    : createFakeQaService(path.join(PROJECT_ROOT, "seeds"), { askDelayMs: Number(process.env.FAKE_ASK_DELAY_MS ?? 0) });
const hangOn = process.env.FAKE_HANG_ON;
// A proxy, not a spread: the real service's methods live on its prototype.
const service: QaService = hangOn
  ? new Proxy(base, {
      get(target, prop) {
        if (prop === "ask") return (q: string, o?: AskOptions) => (q.includes(hangOn) ? new Promise(() => {}) : target.ask(q, o));
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    })
  : base;
const bot = createBot(service, settings, logger);
let running: RunningBot;
try {
  running = await startBot(bot, {
    pollTimeoutSeconds: 1,
    drainTimeoutMs: Number(process.env.DRAIN_TIMEOUT_MS ?? START_DEFAULTS.drainTimeoutMs),
  });
} catch (e) {
  // As the real entry point (src/cli/main.ts) does.
  if (!(e instanceof BotStartError)) throw e;
  logger.error(e.message);
  process.exit(e.exitCode);
}
process.stdout.write("ready\n");
const outcome = await running.stopped;
process.stdout.write("stopped\n");
process.exit(outcome.exitCode);
