/** about: which model and index answer, and how much they hold. */
import type { AboutInfo } from "../service/contract.ts";
import { WORDING } from "../wording/wording.ts";
import { replyOf, type Reply } from "./reply.ts";

export function aboutReply(a: AboutInfo): Reply {
  return replyOf({
    blocks: [
      {
        kind: "text",
        lines: [
          [{ bold: WORDING.aboutHeading }],
          [WORDING.aboutCounts(a.documents, a.items)],
          [WORDING.aboutModel(a.embeddingModel)],
          [WORDING.aboutBuilt(a.indexBuiltAt)],
          [WORDING.aboutMode(a.answerMode === "llm")],
        ],
      },
    ],
    buttons: [],
  });
}
