/**
 * Words that exclude each other (省级 / 国家级, 中职 / 高职, 2021年 / 2023年), from
 * `data/contrasts.json`. A sentence about 国家级 bases does not answer a question about
 * 省级 ones, however many other words they share.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../config/settings.ts";

const Words = z.array(z.string().min(1)).min(2);
const ContrastFile = z.object({
  groups: z.array(z.union([Words, z.object({ words: Words, scope: z.enum(["sentence", "item"]) })])),
});

/** One group of exclusive words; "item" groups also apply to a cited item as a whole. */
export interface ContrastGroup {
  readonly words: readonly string[];
  readonly scope: "sentence" | "item";
}

export class Contrasts {
  constructor(private readonly groups: readonly ContrastGroup[]) {}

  static load(file: string = path.join(PROJECT_ROOT, "data", "contrasts.json")): Contrasts {
    const groups = ContrastFile.parse(JSON.parse(readFileSync(file, "utf8"))).groups;
    return new Contrasts(groups.map((g) => (Array.isArray(g) ? { words: g, scope: "item" as const } : g)));
  }

  /**
   * True when the text speaks of another member of a group the question asks about, and
   * not of the asked one. With `scope` "item" only the groups that hold for whole items count.
   */
  conflicts(question: string, text: string, scope: "sentence" | "item" = "sentence"): boolean {
    const q = question.replace(/(?<!\d)(\d{2})年/g, "20$1年");
    for (const { words: group, scope: applies } of this.groups) {
      if (scope === "item" && applies !== "item") continue;
      const asked = group.filter((w) => q.includes(w));
      if (asked.length === 0) continue;
      const said = group.filter((w) => text.includes(w));
      if (said.length > 0 && !asked.some((w) => text.includes(w))) return true;
    }
    return false;
  }
}
