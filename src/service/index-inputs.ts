/**
 * Everything a saved index is derived from, as one hash (the manifest's inputsHash): the
 * seed files' contents (source-fingerprint.ts), the word lists that shape the lexical
 * index, the embedding model's behaviour (a probe vector), and the code that parses,
 * splits and indexes (the source files of those stages). When any of them changes the
 * index is stale and rebuilt; when none does, a start opens it without parsing a seed.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { PROJECT_ROOT } from "../config/settings.ts";
import { hashInputs, sha256Hex } from "../index/manifest.ts";
import type { SourceFile } from "../index/source-fingerprint.ts";
import { DATA_FILES, INDEX_DATA_FILES } from "../lexicon/vocabulary.ts";

/**
 * Source folders whose code decides what the index holds (parsing, passages, analysis,
 * file formats, vectors); an edit there means a rebuild, so no index outlives the code
 * that wrote it. src/text/ and src/util/ hold primitives those stages use.
 */
const BUILD_CODE = ["src/corpus", "src/retrieval", "src/index", "src/embeddings", "src/text", "src/util", "src/lexicon"];

/** A text whose vector fingerprints the model: a retrained model with the same id and size gives another vector. */
const PROBE_TEXT = "中等职业学校与普通高中学生学籍互转";

let codeHash: Promise<string> | undefined;

/** sha256 over the build code's source files (read once per process). */
function buildCodeHash(root: string): Promise<string> {
  codeHash ??= (async () => {
    const parts: string[] = [];
    for (const dir of BUILD_CODE) {
      const files = await fs.readdir(path.join(root, dir), { recursive: true }).catch(() => [] as string[]);
      for (const file of files.filter((f) => f.endsWith(".ts") || f.endsWith(".json")).sort()) {
        parts.push(`${dir}/${file}`, sha256Hex(await fs.readFile(path.join(root, dir, file))));
      }
    }
    return sha256Hex(parts.join("\n"));
  })();
  return codeHash;
}

/**
 * The hash an index built now from these seeds, the word lists of `vocabularyDir` that
 * shape the index (lexicon/vocabulary.ts names them), the model and the code would carry.
 */
export async function indexInputsHash(
  seeds: readonly SourceFile[],
  embeddings: EmbeddingsInterface,
  vocabularyDir: string,
): Promise<string> {
  const [lexicon, code, probe] = await Promise.all([
    Promise.all(INDEX_DATA_FILES.map(async (f) => sha256Hex(await fs.readFile(path.join(vocabularyDir, DATA_FILES[f]))))),
    buildCodeHash(PROJECT_ROOT),
    embeddings.embedQuery(PROBE_TEXT),
  ]);
  return hashInputs({ seeds: seeds.map((f) => [f.name, f.sha256]), lexicon, code, probe: probe.map((x) => x.toFixed(5)) });
}
