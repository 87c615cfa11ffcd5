/**
 * The one place chat tests (Telegram e2e, load) get their QaService from: the real
 * service (`createQaService`) over the project's seeds. `CHAT_TEST_SERVICE=fake` swaps
 * in the seed-backed fake, to tell a front-end failure from a service one.
 */
import path from "node:path";
import type { QaService } from "../../src/service/contract.ts";
import { loadSettings, PROJECT_ROOT } from "../../src/config/settings.ts";
import { silentLogger } from "../../src/logging/logger.ts";
import { createQaService } from "../../src/service/create-qa-service.ts";
import { createFakeQaService } from "./fake-qa.ts";

/** The service under test for chat front ends. */
export async function createChatTestService(): Promise<QaService> {
  if (process.env.CHAT_TEST_SERVICE === "fake") return createFakeQaService(path.join(PROJECT_ROOT, "seeds"));
  // Default settings: the project's seeds and index, no language model.
  return createQaService(loadSettings({}), silentLogger);
}

/** Wraps a service to count the questions that reach it (to prove exactly-once handling). */
export function countingService(inner: QaService): QaService & { readonly asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    ask: (q, o) => {
      asked.push(q);
      return inner.ask(q, o);
    },
    corpus: () => inner.corpus(),
    search: (q, n) => inner.search(q, n),
    about: () => inner.about(),
    reindex: () => inner.reindex(),
  };
}
