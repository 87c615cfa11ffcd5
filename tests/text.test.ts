/**
 * The shared text primitives (src/text/): one numeral parser, one normaliser, one
 * splitter, as tables of inputs and the exact outputs they must give.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadSettings, PROJECT_ROOT } from "../src/config/settings.ts";
import { readQuestionSet } from "../src/eval/score-answers.ts";
import { loadVocabulary } from "../src/lexicon/vocabulary.ts";
import { bigramSet, charBigrams } from "../src/text/bigrams.ts";
import { DATE } from "../src/text/dates.ts";
import { expandYears, foldWidth, matchForm, squash, toSimplified } from "../src/text/normalize.ts";
import { parseChineseNumber, parseNumber, planPeriod } from "../src/text/numerals.ts";
import { clausesOf, sentencesOf } from "../src/text/sentences.ts";

describe("Chinese numerals", () => {
  it.each([
    ["一", 1],
    ["十", 10],
    ["十二", 12],
    ["二十三", 23],
    ["一百零五", 105],
    ["一千零一十", 1010],
    ["两千", 2000],
    ["三万五千", 35000],
    ["二〇二三", 2023],
    ["一九九八", 1998],
    ["零", 0],
  ])("reads %s as %d", (text, value) => {
    expect(parseChineseNumber(text)).toBe(value);
  });

  it.each(["十四五", "十三五", "一二", "", "十百", "abc"])("does not read %j as one number", (text) => {
    expect(parseChineseNumber(text)).toBeNaN();
  });

  it("reads plan periods as names, and digits or numerals alike", () => {
    expect(planPeriod("十四五")).toBe(14);
    expect(planPeriod("十三五")).toBe(13);
    expect(planPeriod("十四")).toBeNull();
    expect(parseNumber("33")).toBe(33);
    expect(parseNumber("三十三")).toBe(33);
  });
});

describe("normal forms", () => {
  it("folds full-width letters and digits but keeps Chinese punctuation", () => {
    expect(foldWidth("ＡＢ１２３，（一）。")).toBe("AB123，（一）。");
    expect(matchForm("“学籍”**互转** ABC")).toBe("学籍互转 abc");
    expect(squash("学 籍\n互转")).toBe("学籍互转");
  });

  it.each([
    ["23年要点", "2023年要点"],
    ["21年和23年", "2021年和2023年"],
    ["近10年", "近10年"],
    ["满20年以上", "满20年以上"],
    ["3年左右", "3年左右"],
    ["2023年", "2023年"],
    ["20年底前", "2020年底前"],
  ])("expands years: %s → %s", (input, output) => {
    expect(expandYears(input)).toBe(output);
  });

  it("reads traditional characters as simplified, and leaves known text alone", () => {
    expect(toSimplified("中職和普高的學籍能互轉嗎")).toBe("中职和普高的学籍能互转吗");
    const known = new Set([..."学籍"]);
    expect(toSimplified("学籍", known)).toBe("学籍");
  });

  it("skips opencc only for text it would not change: data/traditional-chars.txt is its list (rebuild: npm run build:traditional)", () => {
    const changed = loadVocabulary(loadSettings().vocabularyDir).traditionalChars;
    const library: string[] = [];
    for (let code = 0x80; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const ch = String.fromCharCode(code);
      if (toSimplified(ch) !== ch) library.push(ch);
    }
    expect(library.join("")).toBe([...changed].join(""));
    // Whole texts (questions and the circulars' items): the shortcut gives what opencc gives.
    const setFile = (set: string) => path.join(PROJECT_ROOT, "eval", "questions", `${set}.jsonl`);
    const texts = ["dev", "train", "probe"].flatMap((set) => readQuestionSet(setFile(set)).map((q) => q.question));
    texts.push("中職和普高的學籍能互轉嗎", "滑鼠和軟體", "「職業教育」", "臺灣的資訊");
    expect(texts.filter((t) => toSimplified(t, undefined, changed) !== toSimplified(t))).toEqual([]);
  });
});

describe("pairs, sentences, dates", () => {
  it("makes character pairs of every Chinese run", () => {
    expect(charBigrams("学籍互转 a 中")).toEqual(["学籍", "籍互", "互转", "中"]);
    expect([...bigramSet("互转学籍")].sort()).toEqual(["互转", "学籍", "转学"].sort());
  });

  it("splits sentences at stops outside quotes and brackets, and clauses at commas", () => {
    expect(sentencesOf("推进“一体。两翼”。建设（见附件。）基地；完成")).toEqual(["推进“一体。两翼”。", "建设（见附件。）基地；", "完成"]);
    expect(clausesOf("到2025年，建成50所，其中（甲，乙）10所。")).toEqual(["到2025年", "建成50所", "其中（甲，乙）10所"]);
  });

  it("finds dates and deadlines", () => {
    expect(DATE.exec("2020年6月底前完成")?.[0]).toBe("2020年6月底前");
    expect(DATE.exec("自2019年1月1日起")?.[0]).toBe("自2019年1月1日起");
    expect(DATE.exec("利用3年左右时间")?.[0]).toBe("利用3年");
    expect(DATE.exec("建设50所学校")).toBeNull();
  });
});
