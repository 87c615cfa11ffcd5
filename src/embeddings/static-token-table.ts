/**
 * Recognises a "static" embedding model — an ONNX graph that is one Gather of token
 * vectors from a table, optionally cast from float16 to float32, the shape of the
 * project's offline model (see models/README.md) — and reads its table straight from
 * the protobuf. Such a model needs no ONNX runtime: a text's vector is the pooled rows
 * of its tokens, and summing rows directly skips the [batch, tokens, dims] tensor and
 * its padding that the pipeline would build and then pool in JavaScript.
 *
 * Only the protobuf fields named below are read; any other graph is declined
 * (`readStaticTable` returns undefined) and the model goes through transformers.js.
 */

/** ONNX TensorProto.DataType values used here. */
const FLOAT = 1;
const FLOAT16 = 10;

/** A table of token vectors, `rows × dims`, in its stored precision. */
export interface StaticTokenTable {
  readonly rows: number;
  readonly dims: number;
  /** Row-major values: float32, or float16 bits. */
  readonly values: Float32Array | Uint16Array;
}

interface Field {
  readonly field: number;
  readonly wire: number;
  /** Varint value (wire 0). */
  readonly int: number;
  /** Bytes (wire 2). */
  readonly bytes: Uint8Array;
}

/** The fields of one protobuf message, in order; throws on malformed input. */
function fields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= buf.length) throw new RangeError("truncated varint");
      const b = buf[at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw new RangeError("varint too long");
  };
  const empty = new Uint8Array(0);
  while (at < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ field, wire, int: varint(), bytes: empty });
    else if (wire === 2) {
      const length = varint();
      if (at + length > buf.length) throw new RangeError("truncated field");
      out.push({ field, wire, int: 0, bytes: buf.subarray(at, at + length) });
      at += length;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else throw new RangeError(`unsupported wire type ${wire}`);
  }
  return out;
}

const text = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("utf8");
const strings = (fs: Field[], n: number) => fs.filter((f) => f.field === n && f.wire === 2).map((f) => text(f.bytes));

/** The token table of a one-Gather ONNX model, or undefined when the graph is anything else. */
export function readStaticTable(model: Uint8Array): StaticTokenTable | undefined {
  let graph: Field[];
  try {
    const graphField = fields(model).find((f) => f.field === 7 && f.wire === 2);
    if (!graphField) return undefined;
    graph = fields(graphField.bytes);
  } catch {
    return undefined;
  }
  // GraphProto: node = 1, initializer = 5, output = 12.
  const nodes = graph.filter((f) => f.field === 1).map((f) => fields(f.bytes));
  const initializers = graph.filter((f) => f.field === 5).map((f) => fields(f.bytes));
  const outputs = graph.filter((f) => f.field === 12).map((f) => strings(fields(f.bytes), 1)[0]);
  if (initializers.length !== 1 || outputs.length !== 1 || outputs[0] !== "last_hidden_state") return undefined;

  // TensorProto: dims = 1, data_type = 2, name = 8, raw_data = 9.
  const init = initializers[0]!;
  const name = strings(init, 8)[0];
  const dims = init.filter((f) => f.field === 1).flatMap((f) => (f.wire === 0 ? [f.int] : packedVarints(f.bytes)));
  const type = init.find((f) => f.field === 2)?.int;
  const raw = init.find((f) => f.field === 9)?.bytes;
  if (dims.length !== 2 || raw === undefined || (type !== FLOAT && type !== FLOAT16)) return undefined;
  const [rows, width] = dims as [number, number];
  if (raw.byteLength !== rows * width * (type === FLOAT ? 4 : 2)) return undefined;

  // NodeProto: input = 1, output = 2, op_type = 4, attribute = 5 (AttributeProto: name = 1, i = 3).
  const ops = nodes.map((n) => ({ op: strings(n, 4)[0], inputs: strings(n, 1), outputs: strings(n, 2), attrs: n.filter((f) => f.field === 5) }));
  const gather = ops[0];
  if (!gather || gather.op !== "Gather" || gather.inputs[0] !== name || gather.inputs[1] !== "input_ids") return undefined;
  if (gather.attrs.some((a) => strings(fields(a.bytes), 1)[0] === "axis" && fields(a.bytes).find((f) => f.field === 3)?.int !== 0)) return undefined;
  if (ops.length === 1) {
    if (gather.outputs[0] !== "last_hidden_state" || type !== FLOAT) return undefined;
  } else {
    const cast = ops[1]!;
    const to = cast.attrs.map((a) => fields(a.bytes)).find((a) => strings(a, 1)[0] === "to")?.find((f) => f.field === 3)?.int;
    if (ops.length !== 2 || cast.op !== "Cast" || cast.inputs[0] !== gather.outputs[0] || cast.outputs[0] !== "last_hidden_state" || to !== FLOAT) {
      return undefined;
    }
  }
  // Copied so that the table is aligned and does not keep the whole file alive.
  const copy = new Uint8Array(raw);
  const values = type === FLOAT ? new Float32Array(copy.buffer) : new Uint16Array(copy.buffer);
  return { rows, dims: width, values };
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

let halfTable: Float32Array | undefined;

/** float16 bits → float32 value for every 16-bit pattern (exact: every half fits a float). */
export function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = fromFloat16(h);
  }
  return halfTable;
}
