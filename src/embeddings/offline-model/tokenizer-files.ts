/**
 * The JSON files transformers.js reads for the offline model: a Unigram tokenizer
 * (NFKC + lower case, split on whitespace and punctuation, then maximum-probability
 * segmentation over the vocabulary) and a BERT-typed config so that the
 * feature-extraction pipeline treats the model as a plain encoder.
 */
import { SPECIAL_TOKENS, type Vocabulary } from "./vocabulary.ts";

/** Longest input in tokens; the model has no position table, so this only bounds work. */
export const MAX_TOKENS = 4096;

/** tokenizer.json in the Hugging Face `tokenizers` format. */
export function tokenizerJson(vocab: Vocabulary): Record<string, unknown> {
  const id = (token: string) => vocab.tokens.indexOf(token);
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: id(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: "Sequence", normalizers: [{ type: "NFKC" }, { type: "Lowercase" }] },
    pre_tokenizer: { type: "BertPreTokenizer" },
    // Every sequence starts with [CLS], whose vector is tiny: an empty or
    // punctuation-only text still gets a well-defined (non-NaN) embedding.
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { Sequence: { id: "B", type_id: 0 } },
      ],
      special_tokens: { "[CLS]": { id: "[CLS]", ids: [id("[CLS]")], tokens: ["[CLS]"] } },
    },
    decoder: null,
    model: {
      type: "Unigram",
      unk_id: id("[UNK]"),
      byte_fallback: false,
      vocab: vocab.tokens.map((t, i) => [t, roundScore(vocab.scores[i]!)]),
    },
  };
}

/** Scores are stored with 6 decimals: plenty for segmentation, stable text output. */
function roundScore(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

/** tokenizer_config.json. */
export function tokenizerConfigJson(): Record<string, unknown> {
  return {
    tokenizer_class: "PreTrainedTokenizer",
    model_max_length: MAX_TOKENS,
    pad_token: "[PAD]",
    unk_token: "[UNK]",
    cls_token: "[CLS]",
    clean_up_tokenization_spaces: false,
  };
}

/** config.json: transformers.js picks the model class from `model_type`. */
export function modelConfigJson(dimensions: number, vocabSize: number, recipe: unknown): Record<string, unknown> {
  return {
    model_type: "bert",
    architectures: ["BertModel"],
    hidden_size: dimensions,
    vocab_size: vocabSize,
    max_position_embeddings: MAX_TOKENS,
    policybot_offline_model: {
      description:
        "Static word vectors (one Gather over a token table) built by scripts/build-offline-model.ts; use mean pooling and normalisation.",
      recipe,
    },
  };
}
