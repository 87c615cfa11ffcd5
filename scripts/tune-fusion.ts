/**
 * Measures retrieval and answers on a question set for a grid of fusion settings, so
 * the defaults in src/retrieval/fusion.ts are chosen on the whole set, not per question.
 * Usage: npm run tune -- [FILE]   (default eval/questions/dev.jsonl)
 */
import path from "node:path";
import { evaluateFile } from "../src/cli/eval-command.ts";
import { loadSettings } from "../src/config/settings.ts";
import { silentLogger } from "../src/logging/logger.ts";
import { buildEngine } from "../src/service/create-qa-service.ts";

const file = process.argv[2] ?? path.resolve("eval/questions/dev.jsonl");
const settings = loadSettings();
console.log(`fusion grid on ${file}`);
console.log("cover dense  k   words bigrams | hit@1  hit@5  MRR    label@1 cite@1 refusal falseRef");
for (const coverage of [0, 0.5, 1.0, 1.5]) {
  for (const dense of [0, 0.3, 0.6]) {
    for (const k of [10, 20]) {
      for (const [words, bigrams] of [[1, 1], [1, 0.5], [0.5, 1]] as const) {
        const engine = await buildEngine(settings, silentLogger, { retrieval: { coverage, dense, k, words, bigrams } });
        const m = await evaluateFile(engine, file);
        const f = (x: number | null) => (x === null ? "  n/a " : x.toFixed(3).padStart(6));
        const n = (x: number, w: number) => x.toFixed(1).padStart(w);
        console.log(
          `${n(coverage, 5)} ${n(dense, 5)} ${String(k).padStart(3)} ${n(words, 7)} ${n(bigrams, 7)} | ` +
            `${f(m.hitAt[1])} ${f(m.hitAt[5])} ${f(m.mrr)} ${f(m.labelAt1)}  ` +
            `${f(m.citeAt1)} ${f(m.refusalRecall)} ${f(m.falseRefusalRate)}`,
        );
      }
    }
  }
}
