import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../src/config/settings.ts";
import { createLogger } from "../src/logging/logger.ts";
import { createQaService } from "../src/service/create-qa-service.ts";
import type { PolicyQaService } from "../src/service/qa-service.ts";
import { startOpenAiServer, type OpenAiTestServer } from "./helpers/openai-server.ts";

// The whole service with a language model configured: the model's answer is used when
// it is grounded in what was cited, and the extractive answer within the same request otherwise.
let server: OpenAiTestServer;
let service: PolicyQaService;
const logs: string[] = [];
const API_KEY = "sk-test-secret-key-0123456789";

beforeAll(async () => {
  server = await startOpenAiServer();
  const settings = loadSettings({
    POLICYBOT_INDEX_DIR: path.join(os.tmpdir(), `pb-llm-service-${process.pid}`),
    LLM_BASE_URL: server.baseUrl,
    LLM_MODEL: "test-model",
    LLM_API_KEY: API_KEY,
    LLM_TIMEOUT_MS: "800",
  });
  service = await createQaService(settings, createLogger({ sink: (l) => logs.push(l), secrets: [API_KEY] }));
});
afterAll(async () => server.close());

describe("answers with a language model configured", () => {
  it("uses a grounded model answer and keeps the citation", async () => {
    server.setReply(() => ({ content: JSON.stringify({ answer: "最高可达到基准线的5倍。", citations: ["c1"], refused: false }) }));
    const a = await service.ask("公办职校绩效工资最高能到基准线的几倍");
    expect(a.via).toBe("llm");
    expect(a.lead).toBe("最高可达到基准线的5倍。");
    expect(a.citations[0]).toMatchObject({ file: "004_14cb77bf2456b070.txt", item: "33" });
  });

  it("falls back to the extractive answer when the model invents a figure", async () => {
    server.setReply(() => ({ content: JSON.stringify({ answer: "最高可达到基准线的8倍。", citations: ["c1"], refused: false }) }));
    const a = await service.ask("公办职校绩效工资最高能到基准线的几倍");
    expect(a.via).toBe("extractive");
    expect(a.lead).toContain("基准线的5倍");
  });

  it("falls back within the same request when the model times out", async () => {
    server.setReply(() => ({ content: "{}", delayMs: 5000 }));
    const started = performance.now();
    const a = await service.ask("“一市一策”方案最晚啥时候报");
    expect(a.via).toBe("extractive");
    expect(a.lead).toBe("2020年6月底前");
    expect(performance.now() - started).toBeLessThan(4000);
  });

  it("never asks the model to overrule a refusal, and never logs the API key", async () => {
    const before = server.requests.length;
    const a = await service.ask("技校一年学费收多少？");
    expect(a.refused).toBe(true);
    expect(server.requests.length).toBe(before);
    expect(logs.join("\n")).not.toContain(API_KEY);
    expect(service.about().answerMode).toBe("llm");
  });
});
