/**
 * Compact callback data for inline buttons. Telegram allows at most 64 bytes, so a
 * button names a cited item by the file's numeric prefix and its label
 * (`src:004:33`), and a vote by the answer's short id (`fb:u:k3j2h1x9`).
 */

/** Telegram's limit for callback_data, in UTF-8 bytes. */
export const CALLBACK_DATA_MAX_BYTES = 64;

export type CallbackAction =
  | { readonly kind: "source"; readonly filePrefix: string; readonly label: string }
  | { readonly kind: "vote"; readonly vote: "up" | "down"; readonly answerId: string };

/** The prefix that names a seed file in buttons: the part before the first `_`. */
export function filePrefixOf(file: string): string {
  return file.split("_")[0] ?? file;
}

/** Encodes an action; undefined when it would not fit in 64 bytes (the caller drops the button). */
export function encodeCallback(action: CallbackAction): string | undefined {
  const data =
    action.kind === "source"
      ? `src:${action.filePrefix}:${action.label}`
      : `fb:${action.vote === "up" ? "u" : "d"}:${action.answerId}`;
  return Buffer.byteLength(data, "utf8") <= CALLBACK_DATA_MAX_BYTES ? data : undefined;
}

/** Decodes callback data; undefined for anything this bot did not write. */
export function decodeCallback(data: string | undefined): CallbackAction | undefined {
  if (!data) return undefined;
  let m = /^src:([^:]+):(.+)$/s.exec(data);
  if (m) return { kind: "source", filePrefix: m[1]!, label: m[2]! };
  m = /^fb:([ud]):([A-Za-z0-9_-]{1,40})$/.exec(data);
  if (m) return { kind: "vote", vote: m[1] === "u" ? "up" : "down", answerId: m[2]! };
  return undefined;
}
