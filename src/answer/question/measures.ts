/**
 * Figures with their measure. A question that asks 多少人次 / 几所 / 百分之多少 names a
 * measure (data/measures.json); a sentence answers it only with a figure written in that
 * measure. Figures are read with the words around them: 50所左右, 97%以上, 400万人次,
 * 第4名, 2-3所.
 */
import type { Measure } from "../../lexicon/vocabulary.ts";
import { CHINESE_NUMERAL_CHARS, parseNumber } from "../../text/numerals.ts";

/** A figure in a text. */
export interface Figure {
  /** As written, with its qualifier (不少于50万人次, 10所左右). */
  readonly text: string;
  /** The number as written (50, 2-3, 十). */
  readonly value: string;
  /** The measure word written after it (万人次, 所, %), "" when none. */
  readonly unit: string;
  /** Offset in the text. */
  readonly index: number;
}

const NUMBER = `(?:\\d+(?:\\.\\d+)?(?:\\s*[-—~～至到]\\s*\\d+(?:\\.\\d+)?)?|[${CHINESE_NUMERAL_CHARS}]+)`;
const QUALIFIER_BEFORE = "(?:不少于|不低于|不超过|不高于|超过|达到|达|约|近|第|累计|共|年均|每年)?";
const QUALIFIER_AFTER = "(?:左右|以上|以内|以下|多|余)?";

export class Measures {
  private readonly figurePattern: RegExp;
  private readonly askPatterns: readonly { measure: Measure; pattern: RegExp }[];

  constructor(readonly measures: readonly Measure[]) {
    const units = [...new Set(measures.flatMap((m) => m.written))].sort((a, b) => b.length - a.length);
    const unit = `(?:万|亿)?(?:${units.map(escape).join("|")})`;
    this.figurePattern = new RegExp(`${QUALIFIER_BEFORE}\\s*(${NUMBER})\\s*(${unit})?${QUALIFIER_AFTER}`, "gu");
    // "多少所" / "几所" / "多少万人次"; words like 比例 or 百分之多少 ask on their own.
    this.askPatterns = measures.map((m) => {
      const words = [...m.asks].sort((a, b) => b.length - a.length).map(escape).join("|");
      const alone = m.alone.map(escape);
      return { measure: m, pattern: new RegExp(`(?:多少|几|多大)(?:万|亿)?(?:${words})${alone.length > 0 ? `|${alone.join("|")}` : ""}`, "u") };
    });
  }

  /** The measure a question asks for, or null when it asks none (or only 多少). */
  askedIn(question: string): Measure | null {
    // Generic counters last: 多少所 is 所, not 个. 哪几种 asks which, not how many.
    const asked = question.replace(/哪几/g, "");
    const found = this.askPatterns.filter((a) => a.pattern.test(asked));
    return found.find((a) => !a.measure.counts)?.measure ?? found[0]?.measure ?? null;
  }

  /** Figures of a text, in order. Bare years (2023年) and dates are not figures. */
  figuresIn(text: string): Figure[] {
    const out: Figure[] = [];
    for (const m of text.matchAll(this.figurePattern)) {
      const value = m[1]!;
      const unit = m[2] ?? "";
      if (!/\d/.test(value) && unit === "") continue; // a bare 一 or 十 is a word, not a figure
      // 一批, 一些, 一个 (as in 建设一批…) say "some", not how many.
      if (/^[一]$/.test(value) && /^(批|些|系列|类|种)$/.test(unit)) continue;
      const after = text.slice(m.index! + m[0].length, m.index! + m[0].length + 1);
      if (/^\d{4}$/.test(value) && (unit === "" || unit === "年") && /^[年月]?/.test(after)) continue;
      if (unit === "" && /^[年月日号]/.test(after)) continue;
      // 2月20日 is a date, not a count of days.
      if (/^[日天]$/.test(unit) && /[月]\s*$/.test(text.slice(0, m.index!))) continue;
      out.push({ text: m[0].trim(), value, unit, index: m.index! });
    }
    return out;
  }

  /**
   * A figure's amount and bare measure word, so that figures written differently compare
   * equal: 四百万人次 and 400万人次 (4000000, 人次), 五倍 and 5倍, 50％ and 50%, 2-3所 and 2～3所.
   * Null when the number cannot be read as one (十四五 is a plan's name).
   */
  quantity(figure: Figure): { readonly amount: string; readonly unit: string } | null {
    const scale = figure.unit.startsWith("亿") ? 1e8 : figure.unit.startsWith("万") ? 1e4 : 1;
    const unit = (scale === 1 ? figure.unit : figure.unit.slice(1)).replace("％", "%");
    const sides = figure.value.split(/\s*[-—~～至到]\s*/).map((v) => (/^\d+\.\d+$/.test(v) ? Number(v) : parseNumber(v)));
    if (sides.some((n) => !Number.isFinite(n))) return null;
    return { amount: sides.map((n) => Number((n * scale).toFixed(6))).join("-"), unit };
  }

  /** Whether a figure is written in the measure asked for (any counted measure answers 个). */
  fits(figure: Figure, measure: Measure | null): boolean {
    if (measure === null) return figure.unit !== "" || /\d/.test(figure.value);
    const unit = figure.unit.replace(/^[万亿]/, "");
    return measure.written.includes(unit) || measure.written.includes(figure.unit);
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
