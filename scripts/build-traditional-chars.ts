/**
 * `npm run build:traditional`: writes data/traditional-chars.txt, every character of the
 * Basic Multilingual Plane that opencc-js (Hong Kong and Taiwan forms → mainland
 * simplified, as src/text/normalize.ts converts) changes on its own. Loading opencc's
 * tables takes ~40 ms; a question none of whose characters is in this list is returned as
 * it is without them. A test checks the list against the library.
 */
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PROJECT_ROOT } from "../src/config/settings.ts";

type Convert = (text: string) => string;
const opencc = createRequire(import.meta.url)("opencc-js/t2cn") as { Converter: (o: { from: string; to: string }) => Convert };
const fromHk = opencc.Converter({ from: "hk", to: "cn" });
const fromTw = opencc.Converter({ from: "tw", to: "cn" });
const changed: string[] = [];
for (let code = 0x80; code <= 0xffff; code++) {
  if (code >= 0xd800 && code <= 0xdfff) continue;
  const ch = String.fromCharCode(code);
  if (fromTw(fromHk(ch)) !== ch) changed.push(ch);
}
const lines: string[] = [];
for (let at = 0; at < changed.length; at += 100) lines.push(changed.slice(at, at + 100).join(""));
const header = "# Characters opencc-js converts to mainland simplified on their own (scripts/build-traditional-chars.ts).";
const file = path.join(PROJECT_ROOT, "data", "traditional-chars.txt");
writeFileSync(file, [header, ...lines].join("\n") + "\n");
console.log(`${changed.length} characters → ${file}`);
