/**
 * `npm run build:model [-- --out DIR]`: rebuilds the offline embedding model
 * (models/policybot/offline-zh) from seeds/ and the data files in
 * src/embeddings/offline-model/. Deterministic: the same inputs give the same bytes.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { DEFAULTS, loadSettings, PROJECT_ROOT } from "../src/config/settings.ts";
import { buildOfflineModel } from "../src/embeddings/offline-model/build-offline-model.ts";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: path.join(PROJECT_ROOT, DEFAULTS.localModelDir) },
    seeds: { type: "string", default: path.join(PROJECT_ROOT, DEFAULTS.seedsDir) },
  },
});

const started = performance.now();
const result = await buildOfflineModel({
  seedsDir: path.resolve(values.seeds),
  outDir: path.resolve(values.out),
  vocabularyDir: loadSettings().vocabularyDir,
});
console.log(
  `built ${result.modelDir}: ${result.vocabSize} tokens × ${result.dims} dims in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
