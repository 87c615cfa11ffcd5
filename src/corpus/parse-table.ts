/**
 * Reads tab-separated tables (a 序号 column, content columns, a 责任部门 column) as
 * rows, one item per row, labelled by the row's number.
 */
import type { CleanLine } from "./clean-lines.ts";

/** One table row. */
export interface TableRow {
  readonly number: number;
  /** Content cells joined, without the number and the responsibility cell. */
  readonly content: string;
  /** The responsibility cell as written, or null when the table has no such column. */
  readonly responsibleCell: string | null;
  /** Lines of the source the row came from (for messages). */
  readonly lineNo: number;
}

/** A table found in the document: its header and rows, plus the lines it consumed. */
export interface ParsedTable {
  readonly header: readonly string[];
  readonly rows: readonly TableRow[];
  /** Index (into the cleaned lines) of the first and one past the last line of the table. */
  readonly start: number;
  readonly end: number;
}

const NUMBER_HEADER = /^(序号|编号|序)$/;
const RESPONSIBLE_HEADER = /责任|牵头|负责/;

/**
 * Finds tab-cell tables whose header names a 序号 column. Cells come one per line;
 * a row starts at a cell holding only its number and runs until the next such cell.
 */
export function findTables(lines: readonly CleanLine[]): ParsedTable[] {
  const tables: ParsedTable[] = [];
  let i = 0;
  while (i < lines.length) {
    if (lines[i]!.cell === null || !NUMBER_HEADER.test(lines[i]!.cell!)) {
      i++;
      continue;
    }
    const start = i;
    const header: string[] = [];
    while (i < lines.length && lines[i]!.cell !== null && !/^\d+$/.test(lines[i]!.cell!)) header.push(lines[i++]!.cell!);
    const responsibleCol = header.findIndex((h) => RESPONSIBLE_HEADER.test(h));
    const rows: TableRow[] = [];
    while (i < lines.length && lines[i]!.cell !== null && /^\d+$/.test(lines[i]!.cell!)) {
      const number = Number(lines[i]!.cell);
      const lineNo = lines[i]!.lineNo;
      i++;
      const cells: string[] = [];
      while (i < lines.length && lines[i]!.cell !== null && !/^\d+$/.test(lines[i]!.cell!)) cells.push(lines[i++]!.cell!);
      // The responsibility column is the last one in every table seen so far; cells are positional.
      const hasResponsible = responsibleCol >= 0 && cells.length >= 2;
      const responsibleCell = hasResponsible ? cells[cells.length - 1]! : null;
      const content = (hasResponsible ? cells.slice(0, -1) : cells).join("\n");
      rows.push({ number, content, responsibleCell, lineNo });
    }
    if (rows.length > 0) tables.push({ header, rows, start, end: i });
  }
  return tables;
}
