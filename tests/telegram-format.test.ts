/**
 * Unit tests of the shared formatting: HTML escaping, the phone layout of answers (lead,
 * quotes, grouped sources, list pages with their buttons), item pages, and the
 * tag-balanced splitter (example-based and property-based). Messages are asserted exactly.
 */
import path from "node:path";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Answer, Citation } from "../src/answer/types.ts";
import { ANSWER_LAYOUT, answerReply } from "../src/commands/ask.ts";
import { ITEM_PAGE_CHARS, itemPages } from "../src/commands/item.ts";
import { allPages, type Page } from "../src/commands/reply.ts";
import { escapeHtml, htmlToPlainText } from "../src/chat/format/escape-html.ts";
import { pageHtml } from "../src/chat/format/reply-html.ts";
import { pageText } from "../src/chat/format/reply-text.ts";
import { HtmlSplitError, splitHtml } from "../src/chat/format/split-html.ts";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { loadCorpus } from "../src/corpus/load-corpus.ts";
import type { Corpus, Item } from "../src/corpus/types.ts";
import { balanced } from "./helpers/html-balance.ts";

const visible = (html: string) => htmlToPlainText(html).replace(/\s+/g, "");

const citation = (over: Partial<Citation> = {}): Citation => ({
  file: "004_14cb77bf2456b070.txt", label: "33", kind: "row", title: "山东省工作任务清单", docNumber: null, date: null,
  text: "公办职业院校绩效工资水平最高可达到基准线的5倍。", score: 0.9, ...over,
});

const answer = (over: Partial<Answer> = {}): Answer => ({
  question: "q", shape: "fact", refused: false, lead: "最高5倍", evidence: [{ quote: "最高可达到基准线的5倍。", citation: 0 }],
  citations: [citation()], related: [], text: "", retrieved: [], via: "extractive", timings: { totalMs: 1, retrievalMs: 1 },
  turn: { question: "q", shape: "fact", refused: false, citations: [], at: 0 },
  ...over,
});

const html = (a: Answer) => allPages(answerReply(a)).map(pageHtml);
const buttons = (page: Page) => page.buttons.map((row) => row.map((b) => `${b.text}=${b.action.file.slice(0, 3)}:${b.action.label}`));

let corpus: Corpus;
beforeAll(async () => {
  corpus = await loadCorpus(path.join(PROJECT_ROOT, "seeds"));
});
const doc = (file: string) => corpus.documents.find((d) => d.meta.file.startsWith(file))!;
const item = (file: string, label: string): Item => doc(file).items.find((i) => i.label === label)!;
const meta = (file: string) => doc(file).meta;
const cite = (file: string, label: string, over: Partial<Citation> = {}): Citation => {
  const it = item(file, label);
  const m = meta(file);
  return { file: m.file, label, kind: it.kind, title: m.title, docNumber: m.docNumber, date: m.date, text: it.text, score: 1,
    ...over };
};

describe("escaping and answer layout", () => {
  it("escapes &, < and > in every piece of document text", () => {
    const [page] = html(
      answer({
        lead: "a<b>&c",
        evidence: [{ quote: "<script>alert(1)</script> & more", citation: 0 }],
        citations: [citation({ title: "T<i>", docNumber: "鲁〔2023〕1号&", label: "<3>" })],
      }),
    );
    expect(page).toBe(
      "<b>a&lt;b&gt;&amp;c</b>\n\n<blockquote>&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</blockquote>\n\n" +
        "<b>来源</b>：《T&lt;i&gt;》（鲁〔2023〕1号&amp;）&lt;3&gt;",
    );
    expect(balanced(page!)).toBe(true);
    expect(escapeHtml('"x"')).toBe("&quot;x&quot;");
  });

  it("puts the bold lead first, the quote next, the source last, with one 📄 原文 button", () => {
    const reply = answerReply(answer());
    expect(reply.pageCount).toBe(1);
    expect(pageHtml(reply.page(0))).toBe("<b>最高5倍</b>\n\n<blockquote>最高可达到基准线的5倍。</blockquote>\n\n<b>来源</b>：《山东省工作任务清单》第33项");
    expect(buttons(reply.page(0))).toEqual([["📄 原文=004:33"]]);
    expect(pageText(reply.page(0))).toBe("最高5倍\n\n「最高可达到基准线的5倍。」\n\n来源：《山东省工作任务清单》第33项");
  });

  it("does not repeat a lone quote that is the lead itself", () => {
    expect(html(answer({ lead: "最高可达到基准线的5倍。" }))).toEqual(["<b>最高可达到基准线的5倍。</b>\n\n<b>来源</b>：《山东省工作任务清单》第33项"]);
  });

  it("folds the quotes after the first and names each document once in the sources, with a button per cited item", () => {
    const a = answer({
      lead: "能。允许符合条件的中职学校与普通高中学生学籍互转",
      evidence: [
        { quote: "允许符合条件的中职学校与普通高中学生学籍互转、学分互认。", citation: 0 },
        { quote: "支持中职和普通高中学分互认、学籍互转。", citation: 1 },
        { quote: "公办职业院校绩效工资水平最高可达到基准线的5倍。", citation: 2 },
      ],
      citations: [cite("004", "9"), cite("000", "7"), cite("004", "33")],
    });
    const reply = answerReply(a);
    expect(pageHtml(reply.page(0))).toBe(
      [
        "<b>能。允许符合条件的中职学校与普通高中学生学籍互转</b>",
        "<blockquote>允许符合条件的中职学校与普通高中学生学籍互转、学分互认。［1］</blockquote>",
        "<blockquote expandable>支持中职和普通高中学分互认、学籍互转。［2］\n公办职业院校绩效工资水平最高可达到基准线的5倍。［3］</blockquote>",
        "<b>来源</b>\n《山东省工作任务清单》第9项［1］、第33项［3］\n《2023年山东省职业教育工作要点》（鲁教职处函〔2023〕1号）第7条［2］",
      ].join("\n\n"),
    );
    expect(buttons(reply.page(0))).toEqual([["📄 1=004:9", "📄 2=000:7", "📄 3=004:33"]]);
  });

  it("says the refusal plainly and lists 可能相关 items with their topic, never as sources", () => {
    const related = [cite("004", "33"), cite("004", "2")];
    const pages = html(answer({ refused: true, lead: "文件中没有找到相关规定。", evidence: [], citations: [], related }));
    expect(pages).toEqual([
      "<b>文件中没有找到相关规定。</b>\n\n可能相关：\n• 《山东省工作任务清单》第33项\n　各地研究出台相关文件\n• 《山东省工作任务清单》第2项\n　各设区的市分别制定“一市一策”实施方案",
    ]);
  });

  it("shows only the prompt when nothing was asked", () => {
    const a = answer({ refused: true, lead: "请输入要查询的问题，例如：绩效工资改革谁牵头？", evidence: [], citations: [], related: [], retrieved: [] });
    expect(html(a)).toEqual(["请输入要查询的问题，例如：绩效工资改革谁牵头？"]);
  });
});

describe("list answers on a phone", () => {
  const labels = Array.from({ length: 45 }, (_, k) => String(k + 1)).filter((l) => !["8", "25", "36", "37", "38"].includes(l));
  const listAnswer = () =>
    answer({
      shape: "list",
      lead: "省教育厅负责或参与的共40项：第1项（研究制定…）；第2项（…）",
      evidence: [],
      // The answer stage may name an item's topic; where it does not, the first clause that says more than a date is shown.
      citations: labels.map((l) => cite("004", l, l === "1" ? { topic: "骨干专业试办本科" } : {})),
    });

  it("shows a count first, then ten items grouped under their document, a 📄 button for each, and three more pages", () => {
    const reply = answerReply(listAnswer());
    expect(reply.pageCount).toBe(4);
    const first = reply.page(0);
    expect(pageHtml(first)).toBe(
      [
        "<b>省教育厅负责或参与的共40项</b>",
        [
          "<b>《山东省工作任务清单》</b>",
          "第1项　骨干专业试办本科",
          "第2项　各设区的市分别制定“一市一策”实施方案",
          "第3项　各级政府要把职业教育作为对各级政府履行教育职责评…",
          "第4项　打破学校类型界限、条块分割的藩篱",
          "第5项　根据高等教育法和高等学校设置制度规定",
          "第6项　落实学校办学自主权",
          "第7项　确保新增财政性教育经费投入向职业教育倾斜",
          "第9项　探索举办文理高中、科技（技术）高中、语言高中、艺…",
          "第10项　制定本科职业教育专业教学标准",
          "第11项　研究单独招收全国职业院校技能大赛、中国技能大赛、…",
        ].join("\n"),
      ].join("\n\n"),
    );
    expect(buttons(first)).toEqual([
      ["📄 第1项=004:1", "📄 第2项=004:2", "📄 第3项=004:3", "📄 第4项=004:4", "📄 第5项=004:5"],
      ["📄 第6项=004:6", "📄 第7项=004:7", "📄 第9项=004:9", "📄 第10项=004:10", "📄 第11项=004:11"],
    ]);
    expect(first.more).toEqual({ kind: "count", remaining: 30, unit: "项" });
    expect(pageHtml(reply.page(1)).split("\n").slice(0, 4)).toEqual(["（续，第2/4页）共40项", "", "<b>《山东省工作任务清单》</b>", "第12项　落实职业院校育训并举的法定职责"]);
    expect(reply.page(2).more).toEqual({ kind: "count", remaining: 10, unit: "项" });
    expect(reply.page(3).more).toBeUndefined();
    // Every cited item is on exactly one page, with its button.
    const pressed = allPages(reply).flatMap((p) => p.buttons.flat().map((b) => b.action.label));
    expect(pressed).toEqual(labels);
    // A phone shows the first page: a few hundred characters, not a wall of 1,800.
    expect(visible(pageHtml(first)).length).toBeLessThan(300);
  });

  it("numbers the documents of a page that holds several, so each button names its document", () => {
    const citations = [cite("004", "2"), cite("000", "7"), cite("004", "33")];
    const a = answer({ shape: "list", lead: "写明“2020年6月底前”的共3项：…", evidence: [], citations });
    const reply = answerReply(a);
    expect(pageHtml(reply.page(0))).toBe(
      "<b>写明“2020年6月底前”的共3项</b>\n\n<b>1. 《山东省工作任务清单》</b>\n第2项　各设区的市分别制定“一市一策”实施方案\n第33项　各地研究出台相关文件\n\n" +
        "<b>2. 《2023年山东省职业教育工作要点》（鲁教职处函〔2023〕1号）</b>\n第7条　积极推进职普融通",
    );
    expect(buttons(reply.page(0))).toEqual([["📄 1·第2项=004:2", "📄 1·第33项=004:33", "📄 2·第7条=000:7"]]);
  });

  it("adds the count when the lead does not state it", () => {
    const a = answer({ shape: "list", lead: "以下各项", evidence: [], citations: [cite("004", "2")] });
    expect(pageHtml(answerReply(a).page(0)).split("\n")[0]).toBe("<b>以下各项（共1项）</b>");
  });
});

describe("item pages", () => {
  it("shows a row's units once, as the document wrote them (with 等)", () => {
    const reply = itemPages(item("004", "12"), meta("004"));
    expect(reply.pageCount).toBe(1);
    expect(pageHtml(reply.page(0))).toBe(
      "<b>《山东省工作任务清单》第12项</b>\n\n落实职业院校育训并举的法定职责，年培训量达400万人次以上，助力培养“百万工匠”后备人才。试点建立职业院校开展培训的征信系统，诚信记录向社会公示。\n\n" +
        "<b>责任单位</b>：省教育厅、省人力资源社会保障厅、省退役军人事务厅、省农业农村厅等",
    );
  });

  it("keeps units named inline where they are, and shows the path of headings", () => {
    const page = pageHtml(itemPages(item("002", "二、（六）"), meta("002")).page(0));
    expect(page.match(/责任单位/g)).toHaveLength(1);
    expect(page.startsWith("<b>《关于推动淄博高新区现代职业教育高质量发展的若干措施》二、（六）</b>\n<i>")).toBe(true);
  });

  it("pages a very long item, one page per press, losing nothing", () => {
    const sentences = Array.from({ length: 400 }, (_, k) => `第${k}句，职业院校绩效工资水平最高可达到基准线的5倍。`).join("");
    const long: Item = { ...item("004", "33"), text: `${sentences}\n各市人民政府`, responsible: ["各市人民政府"] };
    const reply = itemPages(long, meta("004"));
    const body = long.text.split("\n")[0]!;
    // Pages are filled with whole sentences, so they may need one more than the bare count.
    expect(reply.pageCount).toBeGreaterThanOrEqual(Math.ceil(body.length / ITEM_PAGE_CHARS));
    expect(reply.pageCount).toBeLessThanOrEqual(Math.ceil(body.length / ITEM_PAGE_CHARS) + 1);
    const pages = allPages(reply);
    pages.forEach((p, k) => {
      expect(p.more).toEqual(k < pages.length - 1 ? { kind: "part", next: k + 2, total: pages.length } : undefined);
      expect(splitHtml(pageHtml(p))).toHaveLength(1);
    });
    expect(pageHtml(pages[1]!).startsWith(`<b>《山东省工作任务清单》第33项</b>（续，第2/${pages.length}段）`)).toBe(true);
    expect(pages.map((p) => visible(pageHtml({ ...p, blocks: [p.blocks[1]!] }))).join("")).toBe(visible(body));
    expect(pageHtml(pages.at(-1)!).endsWith("<b>责任单位</b>：各市人民政府")).toBe(true);
  });

  it("keeps the quote and topic limits a phone needs", () => {
    expect(ANSWER_LAYOUT.listPerPage).toBe(10);
    const [page] = html(answer({ evidence: [{ quote: "长".repeat(1000), citation: 0 }] }));
    expect(visible(page!)).toContain("长".repeat(ANSWER_LAYOUT.maxQuoteChars) + "…");
  });
});

describe("splitHtml", () => {
  it("returns short text unchanged", () => {
    expect(splitHtml("<b>hi</b>")).toEqual(["<b>hi</b>"]);
    expect(splitHtml("")).toEqual([]);
  });

  it("cuts on paragraph boundaries when there are any", () => {
    const para = (k: number) => `<b>第${k}段</b>${"字".repeat(40)}`;
    const html = Array.from({ length: 10 }, (_, k) => para(k)).join("\n\n");
    const parts = splitHtml(html, 200);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(200);
      expect(p.startsWith("<b>第")).toBe(true);
      expect(p.replace(/\n+$/, "").endsWith("字")).toBe(true);
    }
  });

  it("closes and reopens tags (with attributes) when a block must be cut inside", () => {
    const html = `<blockquote><a href="https://x.test/?a=1&amp;b=2">${"长".repeat(300)}</a></blockquote>`;
    const parts = splitHtml(html, 120);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(120);
      expect(balanced(p)).toBe(true);
      expect(p.startsWith('<blockquote><a href="https://x.test/?a=1&amp;b=2">')).toBe(true);
    }
    expect(parts.map(visible).join("")).toBe(visible(html));
  });

  it("never cuts inside an entity or a surrogate pair", () => {
    const html = "&amp;😀".repeat(200);
    for (const p of splitHtml(html, 37)) {
      expect(p).toMatch(/^(?:&amp;|😀)+$/u);
    }
  });

  it("rejects unbalanced markup", () => {
    expect(() => splitHtml(`<b>${"x".repeat(50)}</i>`, 20)).toThrow(HtmlSplitError);
  });

  it("keeps every part within the limit, balanced, and loses no text (property)", () => {
    const text = fc
      .array(fc.constantFrom("a", "字", "&", "<", ">", "\n", "\n\n", "。", " ", "😀", "x y"), { maxLength: 60 })
      .map((xs) => escapeHtml(xs.join("")));
    const node: fc.Memo<string> = fc.memo((depth) =>
      depth <= 1
        ? text
        : fc.oneof(
            text,
            fc.tuple(fc.constantFrom("b", "i", "blockquote", "code"), fc.array(node(depth - 1), { maxLength: 4 })).map(
              ([tag, kids]) => `<${tag}>${kids.join("")}</${tag}>`,
            ),
            fc.array(node(depth - 1), { maxLength: 4 }).map((kids) => kids.join("\n\n")),
          ),
    );
    fc.assert(
      fc.property(node(4), fc.integer({ min: 80, max: 400 }), (html, limit) => {
        const parts = splitHtml(html, limit);
        for (const p of parts) {
          if (p.length > limit || !balanced(p)) return false;
        }
        return parts.map(visible).join("") === visible(html);
      }),
      { seed: 20261123, numRuns: 300 },
    );
  });
});
