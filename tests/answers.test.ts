import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSettings } from "../src/config/settings.ts";
import { silentLogger } from "../src/logging/logger.ts";
import { createQaService } from "../src/service/create-qa-service.ts";
import type { PolicyQaService } from "../src/service/qa-service.ts";
import { resolveFollowUp } from "../src/answer/question/follow-up.ts";

let service: PolicyQaService;
const cited = (a: { citations: readonly { file: string; item: string | null }[] }) =>
  a.citations.map((c) => `${c.file.slice(0, 3)}:${c.item}`);

beforeAll(async () => {
  const settings = loadSettings({ POLICYBOT_INDEX_DIR: path.join(process.env.TMPDIR ?? "/tmp", `pb-answers-${process.pid}`) });
  service = await createQaService(settings, silentLogger);
});

describe("answers on the real seeds", () => {
  it("yes/no: leads with the verdict and quotes the rule", async () => {
    const a = await service.ask("中职和普高的学籍能互转吗？");
    expect(a.refused).toBe(false);
    expect(a.lead).toMatch(/^能。/);
    expect(a.lead).toContain("学籍互转");
    expect(cited(a)).toContain("004:9");
    expect(a.text).toContain("来源：《山东省工作任务清单》第9项");
  });

  it("who: the responsible units of the row, in the document's order, with no lead the document does not name", async () => {
    const a = await service.ask("清理对技术技能人才的歧视政策谁负责");
    expect(cited(a)).toEqual(["004:38"]);
    expect(a.lead).toBe("责任单位：省委组织部、省人力资源社会保障厅、各市、县（市、区）人民政府");
    expect(a.text).not.toContain("牵头");
  });

  it("list: every item a unit is responsible for, from the structured data, typo included", async () => {
    const a = await service.ask("省人社厅负责哪些任务？");
    const items = cited(a);
    // Row 39 spells the unit 省人力资源保障厅 (sic); it must still count.
    expect(items).toContain("004:39");
    const expected = [4, 5, 6, 12, 14, 19, 20, 21, 22, 23, 24, 26, 27, 30, 31, 32, 33, 37, 38, 39, 40, 43].map((n) => `004:${n}`);
    expect(items).toEqual(expected);
    expect(a.lead).toBe("省人力资源社会保障厅负责或参与的共22项");
  });

  it("list: items with a deadline", async () => {
    const a = await service.ask("清单里哪些事是要求2020年6月底前办完的");
    expect(cited(a)).toEqual(["004:2", "004:33"]);
  });

  it("number: the figure with its unit", async () => {
    const a = await service.ask("公办职校绩效工资最高能到基准线的几倍");
    expect(cited(a)[0]).toBe("004:33");
    expect(a.lead).toContain("基准线的5倍");
  });

  it("reads an abbreviation only where a word starts (职教 is not inside 兼职教师)", async () => {
    const a = await service.ask("技校兼职教师能自主招聘多少比例");
    expect(a.refused).toBe(false);
    expect(cited(a)[0]).toBe("003:三、（五）3.");
    expect(a.lead).toContain("20%编制员额内自主招聘兼职教师");
  });

  it("does not answer a figure about 国家级 bases when 省级 ones were asked, nor count 中职 for 高职", async () => {
    expect((await service.ask("省级高技能人才培训基地有多少个？")).refused).toBe(true);
    expect((await service.ask("山东有多少所高职院校？")).refused).toBe(true);
    const asked = await service.ask("技师学院有多少所？");
    expect(asked.refused).toBe(false);
    expect(asked.lead).toContain("技师学院45所");
  });

  it("does not answer a 十四五 question from an item about 十三五 results, though the plan's title says 十四五", async () => {
    const a = await service.ask("“十四五”期间要建多少所技师学院");
    expect(a.citations.map((c) => c.item)).not.toContain("一、（一）1.");
  });

  it("number: an indicator table row leads with its columns named, quoted as written", async () => {
    const a = await service.ask("到2025年省级优质专业群要建多少个");
    expect(cited(a)[0]).toBe("003:专栏1");
    expect(a.lead).toBe("省级优质专业群（个）：2020年—，2025年>30");
    expect(a.citations[0]!.text.replace(/\s/g, "")).toContain(a.evidence[0]!.quote.replace(/\s/g, ""));
  });

  it("yes/no: no verdict from a sentence that does not speak of the asked action", async () => {
    // 实习 and 学生 are everywhere; 收费 is nowhere: "能。" would be a confident guess.
    const a = await service.ask("学生实习期间能收费吗");
    expect(a.refused).toBe(true);
    const b = await service.ask("技工院校毕业生能参加公务员考试吗");
    expect(b.refused).toBe(false);
    expect(b.lead).toMatch(/^能。.*公务员/);
  });

  it("who: units come from an item on the asked topic, not from any item that has units", async () => {
    const a = await service.ask("谁负责建设职业教育创新发展高地");
    // No item names who builds the 高地; the units of an unrelated measure would be a confident wrong answer.
    expect(a.citations.every((c) => !c.file.startsWith("002"))).toBe(true);
  });

  it("list: asked for the items a unit leads, says the document names no lead and lists what it takes part in", async () => {
    const a = await service.ask("省教育厅牵头的任务有哪些");
    expect(a.shape).toBe("list");
    expect(a.lead).toBe("省教育厅负责或参与的共40项（文件未注明牵头单位）");
    expect(a.citations.length).toBe(40);
  });

  it("refuses a question about a place the circulars never name, though a rule for every city exists", async () => {
    const a = await service.ask("临沂市的“一市一策”方案都包括什么");
    expect(a.refused).toBe(true);
    expect(a.citations).toEqual([]);
  });

  it("number: counts the points an item lists as （1）…（N）", async () => {
    const a = await service.ask("处室文化建设包括几项内容");
    expect(cited(a)).toEqual(["001:20"]);
    expect(a.lead).toBe("加强处室文化建设：共10条");
    expect(a.evidence[0]!.quote).toContain("（10）");
  });

  it("number: refuses when the best sentence holds a name with a digit (1+N) but no figure", async () => {
    expect((await service.ask("职普融通班一个班招多少人")).refused).toBe(true);
  });

  it("reads everyday words as the circulars' wording (老师 → 教师, 拿钱 → 取酬, 一块 is filler)", async () => {
    const a = await service.ask("专业课老师在合作企业兼职可以拿钱吗");
    expect(a.refused).toBe(false);
    expect(cited(a)).toContain("004:33");
    expect(a.lead).toMatch(/^可以。/);
  });

  it("when: the deadline", async () => {
    const a = await service.ask("“一市一策”方案最晚啥时候报");
    expect(cited(a)[0]).toBe("004:2");
    expect(a.lead).toBe("2020年6月底前");
  });

  it("when: a document's issue date from its cover letter", async () => {
    const a = await service.ask("2023年的职教工作要点是哪天印发的");
    expect(a.lead).toBe("2023年2月20日（山东省教育厅职业教育处印发）");
    expect(a.shape).toBe("meta");
    expect(a.citations[0]!.item).toBeNull();
    expect(a.citations[0]!.text).toContain("2023年2月20日");
  });

  it("compare: both years, newer first, each cited", async () => {
    const a = await service.ask("职教高考题库21年和23年进展说法有啥不一样");
    expect(cited(a)).toEqual(["000:7", "001:16"]);
    expect(a.lead).toMatch(/^2023年：.*建成“职教高考”题库.*；2021年：.*题库/);
  });

  it("refuses when the documents do not answer, offering at most two related items and no citation", async () => {
    for (const q of ["2023年职业学校寒假什么时候放？", "技校一年学费收多少？"]) {
      const a = await service.ask(q);
      expect(a.refused, q).toBe(true);
      expect(a.citations).toEqual([]);
      expect(a.related.length).toBeLessThanOrEqual(2);
      expect(a.text).toMatch(/^文件中没有找到相关规定。/);
    }
  });

  it("resolves an explicit reference without search", async () => {
    const a = await service.ask("任务清单第33项");
    expect(cited(a)[0]).toBe("004:33");
    expect(a.shape).toBe("reference");
  });

  it.each([
    ["技工规划专栏8是什么", "没有“专栏8”：《山东省技工教育“十四五”发展规划》只有专栏1–专栏4。"],
    ["2023年要点第30条说了什么", "没有“第30条”：《2023年山东省职业教育工作要点》共20条（第1–20条）。"],
    ["技工规划三（九）", "没有“三（九）”：《山东省技工教育“十四五”发展规划》只有三、（一）–（六）。"],
    ["技工规划三、（二）9.", "没有“三、（二）9.”：《山东省技工教育“十四五”发展规划》只有三、（一）–（六）。"],
    ["2021年要点附件45是什么", "没有“附件45”：《2021年山东省职业教育工作要点》附件共40项（附件1–附件40）。"],
    ["任务清单第46项谁负责", "没有“第46项”：《山东省工作任务清单》共45项（第1–45项）。"],
  ])("answers a reference to an item that does not exist with what exists, citing nothing: %s", async (question, lead) => {
    const a = await service.ask(question);
    expect(a.refused).toBe(true);
    expect(a.citations).toEqual([]);
    expect(a.lead).toBe(lead);
  });

  it("never resolves a reference scoped to one document into another (002 has 三、（九）, the plan does not)", async () => {
    const a = await service.ask("技工规划三（九）讲了什么");
    expect(a.citations.every((c) => c.file.startsWith("003"))).toBe(true);
    expect(a.refused).toBe(true);
  });

  it("understands a follow-up in the context of the previous question", async () => {
    const first = await service.ask("清理对技术技能人才的歧视政策谁负责");
    expect(cited(first)).toEqual(["004:38"]);
    const next = await service.ask("第二条呢", { previous: first.turn });
    expect(cited(next)[0]).toBe("004:2");
    // Without the conversation, the same words do not point at the task list.
    const alone = await service.ask("第二条呢");
    expect(cited(alone)[0]).not.toBe("004:2");
  });

  it("answers 那谁负责 about the item just answered, and 2021年呢 from the 2021 issue of the same circular", async () => {
    const item = await service.ask("任务清单第20项讲什么");
    expect(cited(item)).toEqual(["004:20"]);
    const who = await service.ask("那谁负责？", { previous: item.turn });
    expect(cited(who)).toEqual(["004:20"]);
    expect(who.lead).toBe("责任单位：省教育厅、省人力资源社会保障厅、有关行业主管部门");
    const bank = await service.ask("学分银行建设2023年怎么要求的");
    expect(cited(bank)[0]).toBe("000:7");
    const earlier = await service.ask("2021年呢？", { previous: bank.turn });
    expect(earlier.refused).toBe(true);
    expect(earlier.lead).toBe("《2021年山东省职业教育工作要点》中没有找到相关规定。");
    const week = await service.ask("23年职教活动周承办了啥");
    const before = await service.ask("21年呢", { previous: week.turn });
    expect(cited(week)[0]).toBe("000:13");
    expect(cited(before)[0]).toBe("001:14");
  });

  it("rewrites year and ask follow-ups", () => {
    const prev = { question: "23年职教活动周承办了啥", citations: [], shape: "fact" as const, refused: false, at: Date.now() };
    const topic = (q: string) => q.replace(/(是什么|承办了啥)$/, "");
    expect(resolveFollowUp("2021年呢？", prev, true, topic)?.question).toBe("2021年职教活动周承办了啥");
    expect(resolveFollowUp("那谁负责？", { ...prev, question: "“一市一策”实施方案是什么" }, true, topic)?.question).toBe("“一市一策”实施方案谁负责");
    expect(resolveFollowUp("技校一年学费收多少？", prev, false, topic)).toBeNull();
  });

  it("handles empty, huge and odd questions plainly", async () => {
    const empty = await service.ask("   ");
    expect(empty.refused).toBe(true);
    expect(empty.text).toMatch(/^请输入要查询的问题/);
    const huge = await service.ask("绩效工资".repeat(3000));
    expect(huge.question.length).toBe(12000);
    const emoji = await service.ask("😀😀😀");
    expect(emoji.refused).toBe(true);
    const control = await service.ask("\u0000\u0007技校\u001b一年学费收多少？");
    expect(control.refused).toBe(true);
  });
});
