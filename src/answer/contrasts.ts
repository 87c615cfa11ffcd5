/**
 * Words that exclude each other (省级 / 国家级, 中职 / 高职, 2021年 / 2023年), from
 * `data/contrasts.json`. A sentence about 国家级 bases does not answer a question about
 * 省级 ones, however many other words they share.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { PROJECT_ROOT } from "../config/settings.ts";

const ContrastFile = z.object({ groups: z.array(z.array(z.string().min(1)).min(2)) });

export class Contrasts {
  constructor(private readonly groups: readonly (readonly string[])[]) {}

  static load(file: string = path.join(PROJECT_ROOT, "data", "contrasts.json")): Contrasts {
    return new Contrasts(ContrastFile.parse(JSON.parse(readFileSync(file, "utf8"))).groups);
  }

  /** True when the text speaks of another member of a group the question asks about, and not of the asked one. */
  conflicts(question: string, text: string): boolean {
    const q = question.replace(/(?<!\d)(\d{2})年/g, "20$1年");
    for (const group of this.groups) {
      const asked = group.filter((w) => q.includes(w));
      if (asked.length === 0) continue;
      const said = group.filter((w) => text.includes(w));
      if (said.length > 0 && !asked.some((w) => text.includes(w))) return true;
    }
    return false;
  }
}
