/**
 * Words that exclude each other (省级 / 国家级, 中职 / 高职, 2021年 / 2023年), from
 * `data/contrasts.json`. A sentence about 国家级 bases does not answer a question about
 * 省级 ones, however many other words they share.
 */
import type { ContrastGroup } from "../lexicon/vocabulary.ts";

export class Contrasts {
  constructor(private readonly groups: readonly ContrastGroup[]) {}

  /**
   * True when the text speaks of another member of a group the question asks about, and
   * not of the asked one. With `scope` "item" only the groups that hold for whole items
   * count. Both texts are normalised (years expanded).
   */
  conflicts(question: string, text: string, scope: "sentence" | "item" = "sentence"): boolean {
    return this.conflicting(question, text, scope) !== null;
  }

  /** The word the text says instead of the asked one (潍坊 asked, 枣庄 said), or null. */
  conflicting(question: string, text: string, scope: "sentence" | "item" = "sentence"): { asked: string; said: string } | null {
    for (const { words: group, scope: applies } of this.groups) {
      if (scope === "item" && applies !== "item") continue;
      const asked = group.filter((w) => question.includes(w));
      if (asked.length === 0) continue;
      const said = group.filter((w) => text.includes(w));
      if (said.length > 0 && !asked.some((w) => text.includes(w))) return { asked: asked[0]!, said: said[0]! };
    }
    return null;
  }
}
