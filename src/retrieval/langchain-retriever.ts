/**
 * The hybrid search as a LangChain retriever (BaseRetriever's `_getRelevantDocuments`
 * hook): items as Documents whose metadata carries the citation. Kept apart from
 * hybrid-retriever.ts so that answering a question does not load LangChain's runnables
 * (about 80 ms of every cold start); import this where a LangChain chain wants a retriever.
 */
import { Document } from "@langchain/core/documents";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import type { HybridRetriever } from "./hybrid-retriever.ts";

export interface PolicyRetrieverInput extends BaseRetrieverInput {
  readonly search: HybridRetriever;
  /** How many items a call returns. */
  readonly k?: number;
}

export class PolicyRetriever extends BaseRetriever {
  lc_namespace = ["policybot", "retrieval"];
  static override lc_name() {
    return "PolicyRetriever";
  }

  private readonly search: HybridRetriever;
  private readonly k: number;

  constructor(input: PolicyRetrieverInput) {
    super(input);
    this.search = input.search;
    this.k = input.k ?? 10;
  }

  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const result = await this.search.search({ text: query }, this.k);
    return result.items.map(
      (s) =>
        new Document({
          pageContent: s.item.text,
          metadata: {
            file: s.item.file,
            label: s.item.label,
            title: s.meta.title,
            docNumber: s.meta.docNumber,
            responsible: s.item.responsible,
            score: s.score,
          },
        }),
    );
  }
}
