/**
 * Compact callback data for inline buttons. Telegram allows at most 64 bytes, so a
 * 📄 button names a cited item by its document's short id (or #hash when the id is long)
 * and its label (`src:004:33`), a "更多" button a stored reply and the page it brings
 * (`more:k3j2h1x9:1`), and a vote the answer's short id (`fb:u:k3j2h1x9`).
 */

/** Telegram's limit for callback_data, in UTF-8 bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

export type CallbackAction =
  | { readonly kind: "source"; readonly documentRef: string; readonly label: string }
  | { readonly kind: "more"; readonly replyId: string; readonly page: number }
  | { readonly kind: "vote"; readonly vote: "up" | "down"; readonly answerId: string };

/** Encodes an action; undefined when it would not fit in 64 bytes. */
export function encodeCallback(action: CallbackAction): string | undefined {
  const data =
    action.kind === "source"
      ? `src:${action.documentRef}:${action.label}`
      : action.kind === "more"
        ? `more:${action.replyId}:${action.page}`
        : `fb:${action.vote === "up" ? "u" : "d"}:${action.answerId}`;
  return Buffer.byteLength(data, "utf8") <= CALLBACK_DATA_MAX_BYTES ? data : undefined;
}

/** Decodes callback data; undefined for anything this bot did not write. */
export function decodeCallback(data: string | undefined): CallbackAction | undefined {
  if (!data) return undefined;
  let m = /^src:([^:]+):(.+)$/s.exec(data);
  if (m) return { kind: "source", documentRef: m[1]!, label: m[2]! };
  m = /^more:([A-Za-z0-9_-]{1,40}):(\d{1,6})$/.exec(data);
  if (m) return { kind: "more", replyId: m[1]!, page: Number(m[2]) };
  m = /^fb:([ud]):([A-Za-z0-9_-]{1,40})$/.exec(data);
  if (m) return { kind: "vote", vote: m[1] === "u" ? "up" : "down", answerId: m[2]! };
  return undefined;
}
