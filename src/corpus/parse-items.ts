/**
 * Splits a cleaned document into citable items by its numbering layout.
 *
 * Numbering is read as a sequence: a marker starts an item only when it is the next
 * number at a level already open (二、 after 一、) or the first number of a new level
 * (（一） under 一、). A wrapped line that happens to begin with 一、 in the middle of
 * a paragraph is therefore text, not a heading. Which marker nests inside which is
 * learnt from the order the document uses them, so 一、/（一）/1., flat 1./2., 第一章/
 * 第一条 and boxes (专栏 1) all parse with the same rules.
 */
import { dateOfLine } from "./chinese-date.ts";
import type { CleanLine } from "./clean-lines.ts";
import { CONTINUOUS_TYPES, readMarker, type Marker, type MarkerType } from "./numbering.ts";
import { findTables, type ParsedTable } from "./parse-table.ts";
import { isIssuerLine } from "./read-metadata.ts";
import { leadOf, opensStatement, splitUnits, unitsFromStatement } from "./responsible-units.ts";
import type { Item, ItemKind } from "./types.ts";

interface Frame {
  readonly marker: Marker;
  /** Label of this frame alone, e.g. "三、" or "专栏1" or "附件3". */
  readonly label: string;
  heading: string;
  readonly lines: string[];
  /** Whether the frame has numbered children (then its own text is only an introduction). */
  hasChildren: boolean;
  /** Sealed frames take no more text (a measure closed by its 责任单位 statement). */
  sealed: boolean;
  /** Whether the text so far opens a 责任单位 statement; kept as lines come, so that a long item is not re-read per line. */
  statement: boolean;
  /** The last characters of the text so far, where an opener split across lines begins. */
  tail: string;
  readonly inAppendix: boolean;
}

interface RawItem {
  label: string | null;
  kind: ItemKind;
  path: string[];
  heading: string;
  lines: string[];
  responsible: string[] | null;
  /** The numbering frame the item came from (null for text and table rows). */
  frame: Frame | null;
}

const TERMINAL = /[。！？；：!?;:]$|[。！？][”’」』）)]$/;
const ATTACHMENT_LINE = /^附件\s*(\d+)?$/;
/** A cover letter's list of attachments: 附件：1.… then 2.… on the next lines. */
const ATTACHMENT_LIST = /^附件\s*[:：]\s*(.*)$/;
const COLOPHON = /\d{4}年\d{1,2}月\d{1,2}日印发$/;
const COVER_END = /^[（(](此件|联系单位|联系人)/;
/** Longer than any statement opener (（责任单位：) in cleaned text, which has no runs of spaces. */
const STATEMENT_SPAN = 32;

/** The wrap width of a PDF-converted document (null when lines are whole paragraphs). */
function wrapWidth(lines: readonly CleanLine[]): number | null {
  const lengths = lines.map((l) => [...l.text].length).sort((a, b) => a - b);
  if (lengths.length < 20) return null;
  const p90 = lengths[Math.floor(lengths.length * 0.9)]!;
  return p90 <= 45 ? p90 : null;
}

/** Whether a line is a table-like row of cells (e.g. "1.技师学院数（所） 45 >50"). */
function isRowLike(line: string): boolean {
  return / \S*\d\S*$/.test(line) && line.split(" ").length >= 2;
}

/** Whether a line leaves a title mark, quote or bracket open (so the next line continues it). */
function opensQuote(line: string): boolean {
  const count = (re: RegExp) => line.match(re)?.length ?? 0;
  return count(/《/g) > count(/》/g) || count(/“/g) > count(/”/g) || count(/[（(]/g) > count(/[）)]/g);
}

/**
 * Joins the physical lines of one item into text: wrapped lines are joined without a
 * break (Chinese needs no space); a break is kept only where a paragraph or a table
 * row really ends.
 */
export function joinLines(lines: readonly string[], width: number | null): string {
  let out = "";
  lines.forEach((line, i) => {
    if (i === 0) {
      out = line;
      return;
    }
    const prev = lines[i - 1]!;
    const prevLen = [...prev].length;
    const paragraphEnd = TERMINAL.test(prev) && (width === null || prevLen < width * 0.85);
    // A numbered line after a line that ends in a figure or bracket starts a new row or point.
    const rowEnd = (readMarker(line) !== null && /[\d%）)》”]$/.test(prev)) || (isRowLike(prev) && isRowLike(line));
    // A short line without closing punctuation is a title or heading, not a wrapped line.
    const headingEnd = !TERMINAL.test(prev) && prevLen < (width === null ? 20 : width * 0.6) && !opensQuote(prev);
    if (paragraphEnd || rowEnd || headingEnd) out += "\n" + line;
    else if (/[A-Za-z0-9]$/.test(prev) && /^[A-Za-z0-9]/.test(line)) out += " " + line;
    else out += line;
  });
  return out;
}

/** The label of a frame stack: the path of numbering from the outermost level. */
function stackLabel(stack: readonly Frame[]): string {
  const box = [...stack].reverse().find((f) => f.marker.type === "box");
  if (box) return box.label;
  const parts = stack.map((f) => f.label);
  // A lone arabic item is cited as "7", not "7." (CONTRACT §2).
  if (stack.length === 1 && stack[0]!.marker.type === "arabic") return parts[0]!.replace(/\.$/, "");
  if (stack.length === 1 && stack[0]!.inAppendix) return parts[0]!;
  return parts.join("");
}

function kindOf(stack: readonly Frame[]): ItemKind {
  const top = stack[stack.length - 1]!;
  if (stack.some((f) => f.marker.type === "box")) return "box";
  if (top.inAppendix) return "appendix";
  switch (top.marker.type) {
    case "chapter":
      return "chapter";
    case "part":
      return "section";
    case "article":
      return "article";
    case "arabic":
      return stack.length === 1 ? "item" : "subitem";
    default:
      return "section";
  }
}

/** Splits "1.坚持党建引领…。坚持用…" into a short heading and keeps the line whole. */
function inlineHeading(rest: string): string {
  const m = /^([^。；！？]{2,40})[。；！？]/.exec(rest);
  return m ? m[1]! : "";
}

/**
 * Parses a document's cleaned lines into items. Tables with a 序号 column become one
 * item per row; everything else follows the numbering.
 */
export function parseItems(file: string, lines: readonly CleanLine[]): Item[] {
  const tables = findTables(lines);
  const width = wrapWidth(lines.filter((l) => l.cell === null));
  const raw: RawItem[] = [];

  let stack: Frame[] = [];
  let text: RawItem | null = null; // the open unlabelled block
  const lastNumber = new Map<MarkerType, number>();
  let lastBox = 0;
  let inAppendix = false;
  let sawNumbered = false;
  /** In a cover letter's 附件： list, the number of its last entry (0 before the first); null outside a list. */
  let listed: number | null = null;
  const emitted = new Set<Frame>();

  const closeText = () => {
    if (text && text.lines.length > 0) raw.push(text);
    text = null;
  };
  const openText = (): RawItem => {
    text ??= { label: null, kind: "text", path: [], heading: "", lines: [], responsible: null, frame: null };
    return text;
  };
  const emitFrame = (depth: number) => {
    const frames = stack.slice(0, depth + 1);
    const frame = frames[frames.length - 1]!;
    if (emitted.has(frame)) return;
    emitted.add(frame);
    raw.push({
      label: stackLabel(frames),
      kind: kindOf(frames),
      path: frames.slice(0, -1).map((f) => f.label + f.heading),
      heading: frame.heading,
      lines: frame.lines,
      responsible: null,
      frame,
    });
  };
  const popTo = (depth: number) => {
    // Frames are emitted when opened (so document order holds); popping only closes them.
    stack = stack.slice(0, depth);
  };

  /** Decides whether a marker starts an item, and at which depth. */
  const place = (marker: Marker): number | null => {
    if (marker.type === "box") {
      return marker.number === lastBox + 1 ? -1 : null;
    }
    const boxAt = stack.findIndex((f) => f.marker.type === "box");
    const at = stack.findIndex((f) => f.marker.type === marker.type);
    if (at >= 0 && (boxAt < 0 || at < boxAt)) {
      return marker.number === stack[at]!.marker.number + 1 ? at : null;
    }
    if (at >= 0) return null; // numbering inside a box belongs to the box
    if (boxAt >= 0) return null;
    // A new level starts at 1, or continues the numbering it had under the previous
    // parent (（五） under 二、 after （四） under 一、); articles always continue.
    const continues = lastNumber.has(marker.type) && marker.number === lastNumber.get(marker.type)! + 1;
    if (CONTINUOUS_TYPES.has(marker.type) && lastNumber.has(marker.type)) return continues ? stack.length : null;
    return marker.number === 1 || continues ? stack.length : null;
  };

  const tableAt = new Map<number, ParsedTable>(tables.map((t) => [t.start, t]));
  for (let i = 0; i < lines.length; i++) {
    const table = tableAt.get(i);
    if (table) {
      closeText();
      popTo(0);
      for (const row of table.rows) {
        const responsible = row.responsibleCell ? splitUnits(row.responsibleCell) : null;
        raw.push({
          label: String(row.number),
          kind: "row",
          path: [],
          heading: "",
          lines: [row.content.replace(/\n/g, "")].concat(row.responsibleCell ? [row.responsibleCell] : []),
          responsible: responsible && responsible.length > 0 ? responsible : null,
          frame: null,
        });
      }
      sawNumbered = true;
      i = table.end - 1;
      continue;
    }

    const line = lines[i]!.text;
    if (ATTACHMENT_LINE.test(line) && sawNumbered) {
      // An attachment after numbered items restarts the numbering: its items are 附件1, 附件2…
      closeText();
      popTo(0);
      inAppendix = true;
      lastNumber.clear();
      continue;
    }
    if (COLOPHON.test(line)) {
      closeText();
      popTo(0);
      openText().lines.push(line);
      continue;
    }

    // A signature (an issuer over a date) or an attachment list after the numbered items
    // ends them: it and the notes under it are closing text, not part of the last item.
    const list = ATTACHMENT_LIST.exec(line);
    const signs = dateOfLine(line) !== null || (isIssuerLine(line) && dateOfLine(lines[i + 1]?.text ?? "") !== null);
    if (stack.length > 0 && (list || signs)) {
      closeText();
      popTo(0);
    }

    // The entries of an attachment list are names of attachments, not items of the circular.
    let marker: Marker | null = null;
    if (list) {
      listed = readMarker(list[1]!)?.number === 1 ? 1 : 0;
    } else {
      const read = readMarker(line);
      const entry: boolean = listed !== null && read?.type === "arabic" && read.number === listed + 1;
      listed = entry && read ? read.number : null;
      marker = entry ? null : read;
    }
    const depth = marker ? place(marker) : null;
    if (marker && depth !== null) {
      closeText();
      sawNumbered = true;
      if (marker.type === "box") {
        lastBox = marker.number;
        const boxAt = stack.findIndex((f) => f.marker.type === "box");
        if (boxAt >= 0) popTo(boxAt);
      } else {
        popTo(depth);
        lastNumber.set(marker.type, marker.number);
      }
      const parent = stack[stack.length - 1];
      if (parent && marker.type !== "box") parent.hasChildren = true;
      const label = inAppendix && stack.length === 0 && marker.type === "arabic" ? `附件${marker.number}` : marker.label;
      const next = lines[i + 1]?.text;
      // A heading stands on its own line: no sentence punctuation, and either a marker or
      // a clearly short line follows (a wrapped first line runs to the full width).
      const short = [...line].length < (width === null ? 25 : width * 0.8);
      const standalone = !TERMINAL.test(line) && !/[。；，]/.test(marker.rest) && (next === undefined || readMarker(next) !== null || short);
      const frame: Frame = {
        marker,
        label,
        heading: standalone ? marker.rest : inlineHeading(marker.rest),
        lines: [line],
        hasChildren: false,
        sealed: false,
        statement: opensStatement(line),
        tail: line.slice(-STATEMENT_SPAN),
        inAppendix,
      };
      stack.push(frame);
      emitFrame(stack.length - 1);
      continue;
    }

    const top = stack[stack.length - 1];
    if (top && !top.sealed) {
      top.lines.push(line);
      // The text ends with a statement when this line closes a parenthesis and a statement was opened.
      top.statement ||= opensStatement(top.tail + line);
      top.tail = (top.tail + line).slice(-STATEMENT_SPAN);
      if (top.statement && /[）)]$/.test(line)) top.sealed = true;
      continue;
    }
    const block = openText();
    block.lines.push(line);
    // A cover letter ends with its date (and 此件公开 notes); what follows is the body.
    const nextLine = lines[i + 1]?.text ?? "";
    if ((dateOfLine(line) !== null && !COVER_END.test(nextLine)) || COVER_END.test(line)) {
      if (!COVER_END.test(nextLine)) closeText();
    }
  }
  closeText();

  return finish(file, raw, width);
}

/** Turns raw items into items: joins text, drops heading-only sections, reads responsibility. */
function finish(file: string, raw: readonly RawItem[], width: number | null): Item[] {
  const items: Item[] = [];
  for (const r of raw) {
    let text: string;
    if (r.kind === "row") {
      text = r.lines.join("\n");
    } else if (r.heading && r.lines.length > 1 && r.lines[0]!.endsWith(r.heading) && !TERMINAL.test(r.lines[0]!)) {
      text = r.lines[0] + "\n" + joinLines(r.lines.slice(1), width);
    } else {
      text = joinLines(r.lines, width);
    }
    // A section whose only line is its heading, and whose children carry the content, is not an item.
    if (r.frame?.hasChildren && r.lines.length === 1) continue;
    // A table row with only its number (a degraded or truncated table) has nothing to cite.
    if (text.trim() === "") continue;
    const responsible = r.responsible ?? (r.kind === "row" ? null : unitsFromStatement(text.replace(/\n/g, "")));
    items.push({
      file,
      label: r.label,
      kind: r.kind,
      path: r.path,
      heading: r.heading,
      text,
      responsible,
      order: items.length,
      lead: leadOf(text.replace(/\n/g, "")),
    });
  }
  return items;
}
