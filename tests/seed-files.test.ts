/**
 * The seeds folder is input from whoever can write to it: these tests hold that it is not
 * a way into the machine (links, special files) and that every text encoding a circular
 * arrives in is decoded, or refused by name, never indexed as mojibake.
 */
import { execFileSync } from "node:child_process";
import { promises as fs, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import iconv from "iconv-lite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestFile, loadCorpus } from "../src/corpus/load-corpus.ts";
import { parseChineseNumber, toChineseNumber } from "../src/corpus/numbering.ts";

const SEEDS = path.resolve(__dirname, "../seeds");
const SEED_FILES = readdirTxt(SEEDS);
const seedText = (name: string) => readFileSync(path.join(SEEDS, name), "utf8");
const TRADITIONAL = readFileSync(path.resolve(__dirname, "fixtures/traditional.txt"), "utf8");

function readdirTxt(dir: string): string[] {
  return execFileSync("ls", [dir], { encoding: "utf8" }).split("\n").filter((n) => n.endsWith(".txt"));
}

const messages = (r: { problems: readonly { message: string }[] }) => r.problems.map((p) => p.message);
const labels = (name: string, text: string) =>
  ingestFile(name, Buffer.from(text))
    .document!.items.filter((i) => i.label)
    .map((i) => i.label);
const LINK = "is a symbolic link; skipped, only regular files in the seeds folder are read " +
  "(copy the circular into the folder instead).";
const NOT_CHINESE = "holds no Chinese text; a circular is written in Chinese, so the file was skipped (check that it is the right file).";

let tmp: string;
beforeEach(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "seeds-hostile-"));
});
afterEach(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe("the seeds folder is not a way into the machine", () => {
  it("skips a symbolic link, to a file outside the folder or inside it, naming the link", async () => {
    const seeds = path.join(tmp, "seeds");
    await fs.mkdir(seeds);
    await fs.writeFile(path.join(seeds, "a_good.txt"), seedText("002_79bfe1fd47220794.txt"));
    // A Chinese circular outside the folder: without the check it would become a document.
    await fs.writeFile(path.join(tmp, "outside.txt"), seedText("000_346006db63b2c568.txt"));
    await fs.symlink(path.join(tmp, "outside.txt"), path.join(seeds, "b_outside.txt"));
    await fs.symlink("/etc/passwd", path.join(seeds, "c_passwd.txt"));
    await fs.symlink(path.join(seeds, "a_good.txt"), path.join(seeds, "d_inside.txt"));
    const result = await loadCorpus(seeds);
    expect(result.documents.map((d) => d.meta.file)).toEqual(["a_good.txt"]);
    expect(messages(result)).toEqual([`b_outside.txt: ${LINK}`, `c_passwd.txt: ${LINK}`, `d_inside.txt: ${LINK}`]);
  });

  it("skips a folder or a named pipe called *.txt without reading it (a pipe would block start-up)", async () => {
    await fs.writeFile(path.join(tmp, "a_good.txt"), seedText("002_79bfe1fd47220794.txt"));
    await fs.mkdir(path.join(tmp, "b_folder.txt"));
    execFileSync("mkfifo", [path.join(tmp, "c_pipe.txt")]);
    const result = await loadCorpus(tmp);
    expect(result.documents.map((d) => d.meta.file)).toEqual(["a_good.txt"]);
    expect(messages(result)).toEqual([
      "b_folder.txt: not a regular file (a folder); skipped, only regular files in the seeds folder are read.",
      "c_pipe.txt: not a regular file (a named pipe); skipped, only regular files in the seeds folder are read.",
    ]);
  }, 10_000);
});

describe("text encodings", () => {
  it("skips a UTF-8 file with no Chinese text, as the README says", () => {
    const english = "Circular on vocational education\n1. Strengthen the leadership of schools.\n2. Improve teaching quality.\n";
    const result = ingestFile("english.txt", Buffer.from(english));
    expect(result.document).toBeNull();
    expect(messages(result)).toEqual([`english.txt: ${NOT_CHINESE}`]);
    expect(messages(ingestFile("passwd.txt", readFileSync("/etc/passwd")))).toEqual([`passwd.txt: ${NOT_CHINESE}`]);
  });

  it("decodes Big5 (traditional Chinese) instead of indexing it as mojibake", () => {
    const bytes = iconv.encode(TRADITIONAL, "big5");
    const result = ingestFile("big5.txt", bytes);
    const utf8 = ingestFile("big5.txt", Buffer.from(TRADITIONAL));
    expect(result.document!.meta.title).toBe("職業學校學生實習管理辦法");
    expect(result.document!.items).toEqual(utf8.document!.items);
    expect(result.document!.items.filter((i) => i.label).map((i) => i.label)).toEqual(["一、（一）", "一、（二）", "二、（一）", "二、（二）", "二、（三）"]);
    expect(messages(result)).toEqual(["big5.txt: decoded as Big5 (not UTF-8); consider saving it as UTF-8."]);
  });

  it("still decodes every seed saved as GBK or GB18030 as such, never as Big5", () => {
    for (const name of SEED_FILES) {
      for (const encoding of ["gbk", "gb18030"]) {
        const bytes = iconv.encode(seedText(name), encoding);
        const result = ingestFile(name, bytes);
        const expected = ingestFile(name, Buffer.from(iconv.decode(bytes, encoding)));
        expect(result.document!.items, `${name} as ${encoding}`).toEqual(expected.document!.items);
        expect(messages(result)[0]).toBe(`${name}: decoded as GB18030 (not UTF-8); consider saving it as UTF-8.`);
      }
    }
  });

  it("decodes UTF-16 with a byte-order mark, little- and big-endian", () => {
    const text = seedText("002_79bfe1fd47220794.txt");
    const expected = ingestFile("u8.txt", Buffer.from(text)).document!.items;
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    const be = Buffer.from(le);
    be.swap16();
    be[0] = 0xfe;
    be[1] = 0xff;
    const fromLe = ingestFile("u16le.txt", le);
    const fromBe = ingestFile("u16be.txt", be);
    expect(fromLe.document!.items).toEqual(expected.map((i) => ({ ...i, file: "u16le.txt" })));
    expect(fromBe.document!.items).toEqual(expected.map((i) => ({ ...i, file: "u16be.txt" })));
    expect(messages(fromLe)[0]).toBe("u16le.txt: decoded as UTF-16LE (not UTF-8); consider saving it as UTF-8.");
    expect(messages(fromBe)[0]).toBe("u16be.txt: decoded as UTF-16BE (not UTF-8); consider saving it as UTF-8.");
  });

  it("refuses UTF-16 that is not valid, by name", () => {
    // A BOM followed by an unpaired high surrogate.
    const broken = Buffer.from([0xff, 0xfe, 0x2d, 0x4e, 0x00, 0xd8, 0x41, 0x00]);
    expect(messages(ingestFile("broken16.txt", broken))).toEqual([
      "broken16.txt: starts with a UTF-16LE byte-order mark but is not valid UTF-16LE; convert it to UTF-8 " +
        "(e.g. iconv -f UTF-16 -t UTF-8).",
    ]);
  });
});

describe("numbering has no upper limit", () => {
  it("numbers a flat list of 20,000 items, each on its own", () => {
    const count = 20_000;
    const lines = ["工作任务清单"];
    for (let n = 1; n <= count; n++) lines.push(`${n}.推进第${n}项重点工作。`);
    const items = ingestFile("long.txt", Buffer.from(lines.join("\n"))).document!.items.filter((i) => i.label !== null);
    expect(items).toHaveLength(count);
    expect(items.map((i) => i.label)).toEqual(Array.from({ length: count }, (_, k) => String(k + 1)));
    expect(items[998]!.text).toBe("999.推进第999项重点工作。");
    expect(items[19_999]!.text).toBe("20000.推进第20000项重点工作。");
  });

  it("numbers boxes and articles past the hundreds", () => {
    const boxes = Array.from({ length: 1200 }, (_, k) => `专栏${k + 1} 重点工程\n建设内容${k + 1}。`);
    const boxLabels = labels("boxes.txt", ["规划", ...boxes].join("\n"));
    expect(boxLabels).toHaveLength(1200);
    expect(boxLabels.at(-1)).toBe("专栏1200");
    const articles = Array.from({ length: 1200 }, (_, k) => `第${toChineseNumber(k + 1)}条 第${k + 1}条的规定。`);
    const got = labels("articles.txt", ["第一章 总则", ...articles].join("\n"));
    expect(got).toHaveLength(1200);
    expect(got.slice(998, 1001)).toEqual(["第一章第九百九十九条", "第一章第一千条", "第一章第一千零一条"]);
  });

  it("reads and writes Chinese numerals of any size used in numbering", () => {
    for (let n = 1; n <= 30_000; n++) expect(parseChineseNumber(toChineseNumber(n))).toBe(n);
    expect([10, 15, 110, 1001, 1010, 10_010, 20_000].map(toChineseNumber)).toEqual(["十", "十五", "一百一十", "一千零一", "一千零一十", "一万零一十", "二万"]);
    expect(parseChineseNumber("两万三千")).toBe(23_000);
  });
});
