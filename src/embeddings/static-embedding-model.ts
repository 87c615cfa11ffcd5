/**
 * Runs a static embedding model (one Gather over a token table, see static-token-table.ts)
 * without transformers.js or the ONNX runtime: tokenize (unigram-tokenizer.ts), sum the
 * rows of the tokens, pool. The vectors are the pipeline's, bit for bit: the same float32
 * row values summed in float64 in token order, then the same scaling (finishPooling).
 * Loading takes milliseconds instead of the half second the runtime and its import take,
 * and a 10,000-circular build skips the tensors the pipeline pads and then pools.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { finishPooling, type Pooling } from "./pool-hidden-states.ts";
import { openStaticTable, type StaticTokenTable } from "./static-token-table.ts";
import { UnigramTokenizer } from "./unigram-tokenizer.ts";

/** Texts in one call above which the whole table is read at once. */
const BULK_TEXTS = 32;

export class StaticEmbeddingModel {
  private constructor(
    private readonly tokenizer: UnigramTokenizer,
    private readonly table: StaticTokenTable,
  ) {}

  /**
   * The model in `folder` (transformers.js layout: tokenizer.json, tokenizer_config.json,
   * onnx/model.onnx or onnx/model_quantized.onnx) when it is static and its tokenizer is
   * one this project reproduces exactly; undefined otherwise (missing or unreadable files
   * included: the pipeline then reports what is wrong).
   */
  static async open(folder: string, quantized: boolean): Promise<StaticEmbeddingModel | undefined> {
    const table = openStaticTable(path.join(folder, "onnx", quantized ? "model_quantized.onnx" : "model.onnx"));
    if (!table) return undefined;
    try {
      const [tokenizerJson, tokenizerConfig] = await Promise.all([
        fs.readFile(path.join(folder, "tokenizer.json"), "utf8"),
        fs.readFile(path.join(folder, "tokenizer_config.json"), "utf8"),
      ]);
      const tokenizer = UnigramTokenizer.fromJson(JSON.parse(tokenizerJson), JSON.parse(tokenizerConfig));
      return tokenizer ? new StaticEmbeddingModel(tokenizer, table) : undefined;
    } catch {
      return undefined;
    }
  }

  get dimensions(): number {
    return this.table.dims;
  }

  /**
   * One vector per text. Token ids outside the table make the text fail, as the
   * runtime's Gather would.
   */
  embed(texts: readonly string[], pooling: Pooling, normalize: boolean): number[][] {
    const { dims } = this.table;
    // Many texts (a build) will touch most rows: read the table once instead of row by row.
    if (texts.length > BULK_TEXTS) this.table.loadAll();
    return texts.map((text) => {
      const ids = this.tokenizer.encode(text);
      const used = pooling === "cls" ? ids.slice(0, 1) : ids;
      const sum = new Float64Array(dims);
      const values = this.table.all;
      for (const id of used) {
        const start = this.table.rowStart(id);
        for (let d = 0; d < dims; d++) sum[d]! += values[start + d]!;
      }
      return finishPooling(sum, used.length, normalize);
    });
  }
}
