/**
 * `npm run build:sounds`: writes data/char-sounds.txt, the toneless pinyin of every
 * character of the CJK Unified Ideographs block (U+4E00–U+9FFF) as pinyin-pro reads a
 * character on its own. Reading homophones needs the sounds of a question's characters;
 * pinyin-pro's dictionary takes ~90 ms to load, which every start paid on the first
 * question with an unknown pair of characters. The table is that library's output, kept:
 * one line per sound, its characters in code order, ~70 KB.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { pinyin } from "pinyin-pro";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { pushTo } from "../src/util/multimap.ts";

const bySound = new Map<string, string[]>();
for (let code = 0x4e00; code <= 0x9fff; code++) {
  const ch = String.fromCharCode(code);
  const sound = pinyin(ch, { toneType: "none", type: "array" })[0] ?? ch;
  // Characters pinyin-pro does not know come back as themselves: no sound to keep.
  if (sound === ch) continue;
  if (/\s/.test(sound)) throw new Error(`${ch}: "${sound}" is not one syllable`);
  pushTo(bySound, sound, ch);
}
const lines = [...bySound].sort(([a], [b]) => (a < b ? -1 : 1)).map(([sound, chars]) => `${sound} ${chars.join("")}`);
const header = "# Toneless pinyin of CJK characters, from pinyin-pro (scripts/build-char-sounds.ts): a sound, then its characters.";
const file = path.join(PROJECT_ROOT, "data", "char-sounds.txt");
writeFileSync(file, [header, ...lines].join("\n") + "\n");
console.log(`${lines.length} sounds, ${[...bySound.values()].reduce((n, l) => n + l.length, 0)} characters → ${file}`);
