/**
 * Unit tests of the shared message formatting: HTML escaping, answer layout and the
 * tag-balanced splitter (example-based and property-based).
 */
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Answer, Citation } from "../src/answer/types.ts";
import { renderAnswerHtml, renderItemHtml, sourceLineHtml } from "../src/chat/format/answer-html.ts";
import { escapeHtml, htmlToPlainText } from "../src/chat/format/escape-html.ts";
import { HtmlSplitError, splitHtml } from "../src/chat/format/split-html.ts";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { createFakeQaService } from "./helpers/fake-qa.ts";
import { balanced } from "./helpers/html-balance.ts";

const visible = (html: string) => htmlToPlainText(html).replace(/\s+/g, "");

const citation = (over: Partial<Citation> = {}): Citation => ({
  file: "004_14cb77bf2456b070.txt", item: "33", kind: "row", title: "山东省工作任务清单", docNumber: null, date: null,
  text: "公办职业院校绩效工资水平最高可达到基准线的5倍。", score: 0.9, ...over,
});

const answer = (over: Partial<Answer> = {}): Answer => ({
  question: "q", shape: "fact", refused: false, lead: "最高5倍", evidence: [{ quote: "最高可达到基准线的5倍。", citation: 0 }],
  citations: [citation()], related: [], text: "", retrieved: [], via: "extractive", timings: { totalMs: 1, retrievalMs: 1 },
  turn: { question: "q", shape: "fact", refused: false, citations: [], at: 0 },
  ...over,
});

describe("escaping and answer layout", () => {
  it("escapes &, < and > in every piece of document text", () => {
    const html = renderAnswerHtml(
      answer({
        lead: "a<b>&c",
        evidence: [{ quote: "<script>alert(1)</script> & more", citation: 0 }],
        citations: [citation({ title: "T<i>", docNumber: "鲁〔2023〕1号&", item: "<3>" })],
      }),
    );
    expect(html).toContain("<b>a&lt;b&gt;&amp;c</b>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more");
    expect(html).toContain("《T&lt;i&gt;》（鲁〔2023〕1号&amp;）&lt;3&gt;");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<i>");
    expect(balanced(html)).toBe(true);
    expect(escapeHtml('"x"')).toBe("&quot;x&quot;");
  });

  it("puts the bold lead first, quotes next, sources last", () => {
    const html = renderAnswerHtml(answer());
    const lead = html.indexOf("<b>最高5倍</b>");
    const quote = html.indexOf("<blockquote>");
    const source = html.indexOf("《山东省工作任务清单》第33项");
    expect(lead).toBe(0);
    expect(quote).toBeGreaterThan(lead);
    expect(source).toBeGreaterThan(quote);
  });

  it("does not repeat a lone quote that is the lead itself", () => {
    const html = renderAnswerHtml(answer({ lead: "最高可达到基准线的5倍。" }));
    expect(html).not.toContain("<blockquote>");
    expect(html).toContain("来源");
  });

  it("says 文件中没有找到相关规定 and lists 可能相关 items when refused", () => {
    const html = renderAnswerHtml(
      answer({ refused: true, lead: "文件中没有找到相关规定。", evidence: [], citations: [], related: [citation(), citation({ item: "2" })] }),
    );
    expect(html.startsWith("<b>文件中没有找到相关规定。</b>")).toBe(true);
    expect(html).toContain("可能相关");
    expect(html).toContain("《山东省工作任务清单》第33项");
    expect(html).toContain("《山东省工作任务清单》第2项");
    expect(html).not.toContain("来源");
  });

  it("renders an item with its citation and responsible units", async () => {
    const svc = createFakeQaService(path.join(PROJECT_ROOT, "seeds"));
    const found = svc.item("004_14cb77bf2456b070.txt", "33");
    if (!found.found) throw new Error("fixture item missing");
    const html = renderItemHtml(found.item, found.meta);
    expect(html).toContain("<b>《山东省工作任务清单》第33项</b>");
    expect(html).toContain("责任单位");
    expect(sourceLineHtml({ title: "X", docNumber: null, item: null })).toBe("《X》正文");
    expect(sourceLineHtml({ title: "X", docNumber: "鲁〔2021〕6号", item: "三、（二）2.", kind: "subitem" })).toBe("《X》（鲁〔2021〕6号）三、（二）2.");
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
