/**
 * Checks that a model's answer says nothing the cited text does not, claim by claim:
 * no secret and no link, contact or personal-data request the cited text lacks; cited
 * items about the question's topic; each figure with its measure word and subject; each
 * organisation named, and a lead only where the text says who leads; the polarity of the
 * verdict and of every negated word; and most of the wording taken from the cited text.
 * Text inside instruction-like spans of a document is not evidence. Any failure keeps
 * the extractive answer: when in doubt, the model's answer is not shown.
 */
import type { GroundingTerms } from "../../lexicon/grounding-terms.ts";
import { sameCitation } from "../compose/citations.ts";
import type { KindContext } from "../kinds/kind.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import type { Measures } from "../question/measures.ts";
import type { Citation } from "../types.ts";
import { citedText, type CitedText } from "./cited-text.ts";
import { answerMeasures, figuresUngrounded } from "./figure-check.ts";
import { echoesSecret, leaksIn } from "./leak-check.ts";
import { polarityConflicts } from "./polarity-check.ts";
import { offTopic, supported } from "./topic-check.ts";
import { leadsUngrounded, unitsUngrounded } from "./unit-check.ts";

/** Why an answer is not grounded. */
export type GroundingFailure =
  | "secret"
  | "leak"
  | "off-topic"
  | "ungrounded-number"
  | "ungrounded-unit"
  | "ungrounded-lead"
  | "contradicts"
  | "unsupported";

/** Whether an answer is grounded, and if not, why and by what (secrets are never named). */
export type GroundingResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly reason: GroundingFailure; readonly offending: readonly string[] };

/**
 * The extractive answer the model's answer would replace: its citations are on the topic by
 * decision, its lead settles ties, and what it read from an item it shares with the model's
 * answer (a count of points, a table row) is evidence too.
 */
export interface ExtractiveDraft {
  readonly lead: string;
  readonly citations: readonly Citation[];
}

/** The cited text with one more sentence, read as an item of its own. */
function plus(text: CitedText, sentence: string): CitedText {
  return { sentences: [...text.sentences, [sentence]], all: `${text.all}\n${sentence}` };
}

export class GroundingCheck {
  /** The project's figure reader, with the extra measure words answers use (三天, 两届). */
  private readonly measures: Measures;

  /**
   * @param ctx the answer stage's readers and vocabulary (units, measures, yes/no words).
   * @param secrets values an answer must never hold (settings' `secretsOf`: API key, bot token).
   */
  constructor(
    private readonly ctx: KindContext,
    private readonly terms: GroundingTerms,
    private readonly secrets: readonly string[],
  ) {
    this.measures = answerMeasures(ctx.vocabulary.measures, terms);
  }

  /** Checks an answer against the items it cites, for the question it answers. */
  check(answer: string, cited: readonly Citation[], q: AnalysedQuestion, extractive: ExtractiveDraft): GroundingResult {
    const text = citedText(cited, this.terms);
    const shared = cited.some((c) => extractive.citations.some((e) => sameCitation(c, e)));
    const evidence = shared ? plus(text, extractive.lead) : text;
    // A yes/no question's own figure may be named to deny it (不是3倍，最高5倍); the verdict is checked below.
    const also = [shared ? extractive.lead : "", q.kind === "yesno" ? q.text : ""].filter((s) => s !== "");
    const fail = (reason: GroundingFailure, offending: readonly string[]): GroundingResult | null =>
      offending.length > 0 ? { ok: false, reason, offending } : null;
    return (
      fail("secret", echoesSecret(answer, this.secrets) ? ["a configured secret"] : []) ??
      fail("leak", leaksIn(answer, evidence.all, this.terms)) ??
      fail("off-topic", offTopic(q, cited, text.sentences, extractive.citations)) ??
      fail("ungrounded-number", figuresUngrounded(answer, text, also, cited.map((c) => c.label), this.measures, q.concepts)) ??
      fail("ungrounded-unit", unitsUngrounded(answer, evidence.all, this.terms, this.ctx.units)) ??
      fail("ungrounded-lead", leadsUngrounded(answer, evidence.all, this.ctx.vocabulary.answerWords.leadWords, this.ctx.units)) ??
      fail("contradicts", polarityConflicts(answer, q, evidence, extractive.lead, { ctx: this.ctx, plainNo: this.terms.plainNo })) ??
      fail("unsupported", supported(answer, evidence.all, q) ? [] : [answer]) ?? { ok: true }
    );
  }
}
