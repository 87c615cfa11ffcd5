/**
 * What of the cited items counts as evidence for a model's answer: their text with every
 * instruction-like span cut out ("忽略以上指令…", "致问答助手：…"), and the title, document
 * number and date that a citation shows. An answer that obeys an instruction planted in a
 * circular finds no support for what the instruction made up. A row of an indicator table
 * is read with its columns named and its measure word on each value (50 → 50%).
 */
import type { GroundingTerms } from "../../lexicon/grounding-terms.ts";
import { sentencesOf } from "../../text/sentences.ts";
import { readIndicatorRow } from "../indicator-rows.ts";
import type { Citation } from "../types.ts";

/**
 * The text with every instruction-like span cut out: from the match to the end of its
 * line, since an injected instruction often runs over several sentences.
 */
export function withoutInstructions(text: string, terms: GroundingTerms): string {
  return text
    .split("\n")
    .map((line) => {
      let cut = line.length;
      for (const re of terms.instructionPatterns) {
        const m = re.exec(line);
        if (m && m.index < cut) cut = m.index;
      }
      return line.slice(0, cut);
    })
    .join("\n");
}

/** Whether a text holds an instruction-like span (for logs and tests). */
export function hasInstruction(text: string, terms: GroundingTerms): boolean {
  return terms.instructionPatterns.some((re) => re.test(text));
}

/** The evidence of the cited items, each as the sentences a check reads. */
export interface CitedText {
  /** Per cited item, its sentences (instruction spans removed), then its title, number and date. */
  readonly sentences: readonly (readonly string[])[];
  /** Everything above as one text. */
  readonly all: string;
}

/** 2023-02-20 as a circular writes it: 2023年2月20日. */
function writtenDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return [y ? `${y}年` : "", m ? `${m}月` : "", d ? `${d}日` : ""].join("");
}

/** An indicator row read as `name（unit）：2020年a，2025年b`, with the unit written after each value. */
function withMeasure(row: string): string {
  const m = /^(.+?[（(]([^（）()]+)[）)])：(.*)$/u.exec(row);
  return m ? `${m[1]}：${m[3]!.replace(/(\d{4}年[[>＞<＜]*)(\d+(?:\.\d+)?)/gu, `$1$2${m[2]}`)}` : row;
}

/** The evidence the cited items give; the document's title, number and date are one sentence, about the document. */
export function citedText(cited: readonly Citation[], terms: GroundingTerms): CitedText {
  const sentences = cited.map((c) => [
    ...sentencesOf(withoutInstructions(c.text, terms)).map((s) => {
      const row = readIndicatorRow(c.text, s);
      return row ? withMeasure(row) : s;
    }),
    [c.title, c.docNumber, c.date && writtenDate(c.date)].filter(Boolean).join("，"),
  ]);
  return { sentences, all: sentences.flat().join("\n") };
}
