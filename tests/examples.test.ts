/**
 * Every example a user is shown is asked through the real service and its citation
 * checked: the questions /start and /help (Telegram and the terminal) offer, and the
 * questions and commands in the README. A new README example that this table does not
 * know fails the test, so the README cannot promise an answer nobody checked.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Answer } from "../src/answer/types.ts";
import type { QaService } from "../src/service/contract.ts";
import { BOT_DEFAULTS } from "../src/chat/telegram/deps.ts";
import { TERMINAL_DEFAULTS } from "../src/chat/terminal/terminal-chat.ts";
import { pageText } from "../src/chat/format/reply-text.ts";
import { answerReply } from "../src/commands/ask.ts";
import { exampleQuestions } from "../src/commands/help.ts";
import { itemReply } from "../src/commands/item.ts";
import { allPages } from "../src/commands/reply.ts";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import type { DocumentMeta } from "../src/corpus/types.ts";
import { createChatTestService } from "./helpers/chat-test-service.ts";

const README = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
const TASKS = "004_14cb77bf2456b070.txt";

/** What the reader sees for an answer, every page. */
const shown = (a: Answer) => allPages(answerReply(a)).map((p) => pageText(p)).join("\n\n");
const cited = (a: Answer) => a.citations.map((c) => `${c.file}#${c.label}`);

/** README questions and what their answer must cite. */
const README_QUESTIONS: Record<string, (a: Answer) => void> = {
  "中职和普高的学籍能互转吗？": (a) => {
    expect(a.lead.startsWith("能")).toBe(true);
    expect(cited(a)[0]).toBe(`${TASKS}#9`);
  },
  公办职校绩效工资最高能到基准线的几倍: (a) => {
    expect(cited(a)[0]).toBe(`${TASKS}#33`);
    expect(a.lead).toContain("5倍");
  },
  "省财政厅负责哪些任务？": (a) => {
    expect(a.shape).toBe("list");
    expect(a.citations.length).toBe(17);
    expect(a.citations.every((c) => c.file === TASKS && c.text.split("\n").at(-1)!.includes("省财政厅"))).toBe(true);
  },
};

let service: QaService;
beforeAll(async () => {
  service = await createChatTestService();
}, 60_000);

describe("the examples /start and /help show", () => {
  // Telegram and the terminal show the same examples; both are checked.
  const count = Math.max(BOT_DEFAULTS.helpExamples, TERMINAL_DEFAULTS.helpExamples);
  const examples = () => {
    const metas = service.corpus().documents.map((d) => d.meta);
    return exampleQuestions(metas, count).map((question, k) => ({ question, doc: metas[k]! }));
  };

  /** What each kind of example must show beyond citing its document. */
  const expectations: [RegExp, (a: Answer, doc: DocumentMeta) => void][] = [
    [/是什么时候印发的？$/, (a, doc) => {
      const [y, m, d] = doc.date!.split("-").map(Number);
      expect(a.lead).toContain(`${y}年${m}月${d}日`);
    }],
    [/提出了哪些主要任务？$/, (a) => expect(a.citations.filter((c) => c.label !== null).length).toBeGreaterThan(0)],
    // The failure users met: the answer was the notice's title.
    [/由哪个部门负责落实？$/, (a, doc) => expect(a.lead).not.toContain(doc.title)],
    [/是哪份文件？$/, (a, doc) => expect(shown(a)).toContain(`《${doc.title}》`)],
    [/有什么要求？$/, (a) => expect(a.evidence.length).toBeGreaterThan(0)],
  ];

  it("are four, one per document, each of a known kind", () => {
    const list = examples();
    expect(list).toHaveLength(4);
    for (const { question } of list) expect(expectations.some(([kind]) => kind.test(question)), question).toBe(true);
  });

  for (let k = 0; k < 4; k++) {
    it(`example ${k + 1} is answered from its own document`, async () => {
      const { question, doc } = examples()[k]!;
      const a = await service.ask(question);
      expect(a.refused, `${question} → ${a.lead}`).toBe(false);
      expect(a.citations.length).toBeGreaterThan(0);
      expect(a.citations.every((c) => c.file === doc.file), `${question} → ${cited(a).join(", ")}`).toBe(true);
      for (const [kind, check] of expectations) if (kind.test(question)) check(a, doc);
    });
  }
});

describe("the examples in the README", () => {
  it("are all in this test", () => {
    const asked = [...README.matchAll(/policybot ask (?:--json )?"([^"]+)"/g), ...README.matchAll(/^> (.+？)$/gm)].map((m) => m[1]!);
    expect(asked.length).toBeGreaterThanOrEqual(3);
    expect(asked.filter((q) => !(q in README_QUESTIONS))).toEqual([]);
  });

  for (const [question, check] of Object.entries(README_QUESTIONS)) {
    it(`answers ${question}`, async () => {
      expect(README).toContain(question);
      const a = await service.ask(question);
      expect(a.refused).toBe(false);
      check(a);
    });
  }

  it("shows the items its commands name", () => {
    const items = [...README.matchAll(/(?:\/item|policybot item) ([^\s`]+) ([^\s`,]+)/g)].map((m) => `${m[1]} ${m[2]}`);
    expect(items.length).toBeGreaterThan(0);
    for (const args of items) expect(itemReply(service.corpus(), args).failed, args).toBeUndefined();
  });
});
