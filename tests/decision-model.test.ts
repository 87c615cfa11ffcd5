/**
 * The answer-or-refuse decision: the logistic fit itself, the model file's round trip and
 * checks, and the shipped model (fitted on the seeds' questions) on a small circular of
 * another layout, where it must answer the plain questions and refuse the near misses.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decide, loadDecisionModel, serialiseDecisionModel, UNFITTED_DECISION } from "../src/answer/decide/decision-model.ts";
import { fitLogistic, predict } from "../src/answer/decide/logistic-regression.ts";
import { loadSettings } from "../src/config/settings.ts";
import type { Engine } from "../src/service/qa-service.ts";
import { answer, cites, fixtureCorpus, fixtureEngine } from "./helpers/answer-engine.ts";

describe("logistic regression", () => {
  it("fits a separable rule and predicts both sides", () => {
    const examples = Array.from({ length: 60 }, (_, i) => ({ x: { a: i / 60, b: (i * 7) % 5 }, y: (i >= 30 ? 1 : 0) as 0 | 1 }));
    const model = fitLogistic(["a", "b"], examples);
    expect(predict(model, { a: 0.95, b: 2 })).toBeGreaterThan(0.9);
    expect(predict(model, { a: 0.05, b: 2 })).toBeLessThan(0.1);
    expect(Math.abs(model.weights[1]!)).toBeLessThan(Math.abs(model.weights[0]!));
  });

  it("is deterministic", () => {
    const examples = [
      { x: { a: 1 }, y: 1 as const },
      { x: { a: 0 }, y: 0 as const },
      { x: { a: 0.6 }, y: 1 as const },
      { x: { a: 0.4 }, y: 0 as const },
    ];
    expect(fitLogistic(["a"], examples)).toEqual(fitLogistic(["a"], examples));
  });
});

describe("the model file", () => {
  it("round-trips through data/decision-model.json's format", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pb-decision-"));
    writeFileSync(path.join(dir, "decision-model.json"), serialiseDecisionModel(UNFITTED_DECISION, { questions: 1, candidates: 1 }));
    expect(loadDecisionModel(dir)).toEqual(UNFITTED_DECISION);
  });

  it("refuses a model fitted for other features, saying what to run", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pb-decision-"));
    const wrong = JSON.parse(serialiseDecisionModel(UNFITTED_DECISION, { questions: 1, candidates: 1 }));
    wrong.ranker.features = ["something"];
    wrong.ranker.weights = [0];
    wrong.ranker.mean = [0];
    wrong.ranker.scale = [1];
    writeFileSync(path.join(dir, "decision-model.json"), JSON.stringify(wrong));
    expect(() => loadDecisionModel(dir)).toThrow(/the ranker was fitted for other features; run `npm run fit` to refit it\./);
  });

  it("answers nothing when no candidate can answer", () => {
    expect(decide(UNFITTED_DECISION, [])).toEqual({ order: [], confidence: 0, scores: [] });
  });

  it("ships a threshold chosen on the data, between the extremes", () => {
    const d = loadDecisionModel(loadSettings().vocabularyDir);
    expect(d.threshold).toBeGreaterThan(0.1);
    expect(d.threshold).toBeLessThan(0.95);
  });
});

describe("the shipped decision on a circular it was not fitted on", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await fixtureEngine(fixtureCorpus(["circular-articles.txt", "points-2030.txt", "points-2032.txt"]));
  });

  it.each([
    ["学生岗位实习时间一般为多久？", "circular-articles:第二章第四条"],
    ["实习方案由谁制定？", "circular-articles:第二章第三条"],
    ["实习考核结果记入哪里？", "circular-articles:第二章第五条"],
    ["专业教师可以在合作企业兼职取酬吗？", "points-2030:3"],
  ])("answers the plain question %s", async (question, cited) => {
    const a = await answer(engine, question);
    expect(a.refused).toBe(false);
    expect(cites(a)[0]).toBe(cited);
  });

  it.each([
    "学生岗位实习每月补贴多少钱？",
    "实习单位要给学生缴纳多少工伤保险？",
    "2030年要建成多少个省级公共实训基地？",
    "北京市的实习管理细则什么时候施行？",
  ])("refuses the near miss %s", async (question) => {
    const a = await answer(engine, question);
    expect(a.refused).toBe(true);
    expect(a.citations).toEqual([]);
  });
});
