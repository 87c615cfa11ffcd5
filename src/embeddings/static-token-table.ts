/**
 * Recognises a "static" embedding model — an ONNX graph that is one Gather of token
 * vectors from a table, optionally cast from float16 to float32, the shape of the
 * project's offline model (see models/README.md) — and reads its table straight from
 * the protobuf file. Such a model needs no ONNX runtime: a text's vector is the pooled
 * rows of its tokens, and summing rows directly skips the [batch, tokens, dims] tensor
 * and its padding that the pipeline would build and then pool in JavaScript.
 *
 * Only the file's small fields are read to check the graph; the table's rows are read
 * when first used (a question needs a few dozen of its 18,000 rows, so a cold start
 * never reads the 14 MB table) or all at once for a build (`loadAll`). Any other graph
 * is declined (`openStaticTable` returns undefined) and the model goes through
 * transformers.js.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** ONNX TensorProto.DataType values used here. */
const FLOAT = 1;
const FLOAT16 = 10;
/** Fields longer than this are never read whole (only the table is, and it is read by rows). */
const SMALL_FIELD = 1 << 20;

/** One protobuf field: a varint (wire 0) or the byte range of a length-delimited one (wire 2). */
interface Field {
  readonly field: number;
  readonly wire: number;
  readonly int: number;
  readonly start: number;
  readonly length: number;
}

/** Random access to a file's bytes. */
class FileBytes {
  readonly size: number;
  constructor(readonly fd: number) {
    this.size = fstatSync(fd).size;
  }
  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
    let done = 0;
    while (done < out.length) {
      const n = readSync(this.fd, out, done, out.length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return out.subarray(0, done);
  }
}

/** The fields of the message occupying bytes [start, end) of the file; throws on malformed input. */
function fields(src: FileBytes, start: number, end: number): Field[] {
  const out: Field[] = [];
  let at = start;
  let window: Uint8Array = new Uint8Array(0);
  let windowAt = 0;
  const byte = (): number => {
    if (at >= end) throw new RangeError("truncated message");
    if (at < windowAt || at >= windowAt + window.length) {
      window = src.read(at, Math.min(4096, end - at));
      windowAt = at;
      if (window.length === 0) throw new RangeError("file ends inside a message");
    }
    return window[at++ - windowAt]!;
  };
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = byte();
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new RangeError("varint too long");
  };
  while (at < end) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ field, wire, int: varint(), start: 0, length: 0 });
    else if (wire === 2) {
      const length = varint();
      if (at + length > end) throw new RangeError("field runs past its message");
      out.push({ field, wire, int: 0, start: at, length });
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new RangeError(`unsupported wire type ${wire}`);
  }
  return out;
}

/** A token table in a model file: its shape, where its rows start, and the rows read so far. */
export class StaticTokenTable {
  /** Every row as float32 (the values the runtime's Gather and Cast give); filled as rows are read. */
  private readonly values: Float32Array;
  private readonly loaded: Uint8Array;
  private fd: number | undefined;

  constructor(
    fd: number,
    readonly rows: number,
    readonly dims: number,
    /** Stored as float16 (converted to float32 when read). */
    readonly half: boolean,
    /** File offset of row 0. */
    private readonly offset: number,
  ) {
    this.fd = fd;
    // Untouched pages of a large zeroed allocation cost nothing until rows are read into them.
    this.values = new Float32Array(rows * dims);
    this.loaded = new Uint8Array(rows);
  }

  /** Row `id`'s values, read from the file the first time. */
  row(id: number): Float32Array {
    return this.values.subarray(this.rowStart(id), this.rowStart(id) + this.dims);
  }

  /** Where row `id` starts in {@link all} (reading it first if needed). */
  rowStart(id: number): number {
    if (!(id >= 0 && id < this.rows)) throw new RangeError(`token id ${id} is outside the model's table of ${this.rows} rows`);
    if (!this.loaded[id]) this.readRows(id, id + 1);
    return id * this.dims;
  }

  /** Every row back to back; only rows passed through {@link rowStart} are filled. */
  get all(): Float32Array {
    return this.values;
  }

  /** Reads every row not read yet (for embedding many texts) and closes the file. */
  loadAll(): void {
    if (this.fd === undefined) return;
    const batch = 1024;
    for (let from = 0; from < this.rows; from += batch) this.readRows(from, Math.min(this.rows, from + batch));
    closeSync(this.fd);
    this.fd = undefined;
  }

  private readRows(from: number, to: number): void {
    const bytesPerValue = this.half ? 2 : 4;
    const raw = new Uint8Array((to - from) * this.dims * bytesPerValue);
    let done = 0;
    while (done < raw.length) {
      const n = readSync(this.fd!, raw, done, raw.length - done, this.offset + from * this.dims * bytesPerValue + done);
      if (n === 0) throw new RangeError("model file ends inside its token table");
      done += n;
    }
    const view = new DataView(raw.buffer);
    const base = from * this.dims;
    for (let i = 0; i < raw.length / bytesPerValue; i++) {
      this.values[base + i] = this.half ? fromFloat16(view.getUint16(2 * i, true)) : view.getFloat32(4 * i, true);
    }
    this.loaded.fill(1, from, to);
  }
}

/**
 * The token table of a one-Gather ONNX model file, or undefined when the file holds any
 * other graph (or cannot be read as ONNX).
 */
export function openStaticTable(file: string): StaticTokenTable | undefined {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return undefined;
  }
  try {
    const table = readTable(new FileBytes(fd));
    if (table) return table;
  } catch {
    // Not ONNX, or damaged: the pipeline will say what is wrong.
  }
  closeSync(fd);
  return undefined;
}

function readTable(src: FileBytes): StaticTokenTable | undefined {
  const text = (f: Field) => Buffer.from(src.read(f.start, f.length)).toString("utf8");
  const strings = (fs: Field[], n: number) => fs.filter((f) => f.field === n && f.wire === 2 && f.length < SMALL_FIELD).map(text);
  const message = (f: Field) => fields(src, f.start, f.start + f.length);

  // ModelProto: graph = 7. GraphProto: node = 1, initializer = 5, output = 12.
  const graphField = fields(src, 0, src.size).find((f) => f.field === 7 && f.wire === 2);
  if (!graphField) return undefined;
  const graph = message(graphField);
  const initializers = graph.filter((f) => f.field === 5 && f.wire === 2).map(message);
  const outputs = graph.filter((f) => f.field === 12 && f.wire === 2).map((f) => strings(message(f), 1)[0]);
  if (initializers.length !== 1 || outputs.length !== 1 || outputs[0] !== "last_hidden_state") return undefined;

  // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9.
  const init = initializers[0]!;
  const name = strings(init, 8)[0];
  const dims = init.filter((f) => f.field === 1).flatMap((f) => (f.wire === 0 ? [f.int] : packedVarints(src.read(f.start, f.length))));
  const type = init.find((f) => f.field === 2)?.int;
  const raw = init.find((f) => f.field === 9 && f.wire === 2);
  if (dims.length !== 2 || raw === undefined || (type !== FLOAT && type !== FLOAT16)) return undefined;
  const [rows, width] = dims as [number, number];
  if (raw.length !== rows * width * (type === FLOAT ? 4 : 2)) return undefined;

  // NodeProto: input = 1, output = 2, op_type = 4, attribute = 5 (AttributeProto: name = 1, i = 3).
  const ops = graph
    .filter((f) => f.field === 1 && f.wire === 2)
    .map(message)
    .map((n) => ({
      op: strings(n, 4)[0],
      inputs: strings(n, 1),
      outputs: strings(n, 2),
      attrs: n.filter((f) => f.field === 5).map(message),
    }));
  const attr = (attrs: Field[][], key: string) => attrs.find((a) => strings(a, 1)[0] === key)?.find((f) => f.field === 3)?.int;
  const gather = ops[0];
  if (!gather || gather.op !== "Gather" || gather.inputs[0] !== name || gather.inputs[1] !== "input_ids") return undefined;
  if ((attr(gather.attrs, "axis") ?? 0) !== 0) return undefined;
  if (ops.length === 1) {
    if (gather.outputs[0] !== "last_hidden_state" || type !== FLOAT) return undefined;
  } else {
    const cast = ops[1]!;
    const castsToFloat = cast.op === "Cast" && cast.inputs[0] === gather.outputs[0] && cast.outputs[0] === "last_hidden_state";
    if (ops.length !== 2 || !castsToFloat || attr(cast.attrs, "to") !== FLOAT) return undefined;
  }
  return new StaticTokenTable(src.fd, rows, width, type === FLOAT16, raw.start);
}

function packedVarints(bytes: Uint8Array): number[] {
  const out: number[] = [];
  let value = 0;
  let scale = 1;
  for (const b of bytes) {
    value += (b & 0x7f) * scale;
    if (b < 0x80) {
      out.push(value);
      value = 0;
      scale = 1;
    } else scale *= 128;
  }
  return out;
}

/** IEEE 754 half precision bits → value (inverse of the offline model build's toFloat16Bytes). */
export function fromFloat16(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}
