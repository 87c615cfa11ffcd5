/**
 * Writes the offline model's ONNX graph: a token-embedding table looked up with one
 * Gather. Inputs are what transformers.js's feature-extraction pipeline feeds an
 * encoder (`input_ids`, `attention_mask`; the mask is declared but unused, pooling
 * applies it), output is `last_hidden_state` [batch, seq, dims] in float32. The table
 * can be stored as float16 (halving the file) and cast to float32 after the lookup.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export interface GatherModelOptions {
  /** Row-major table, `vocabSize * dims` values. */
  readonly table: Float32Array;
  readonly vocabSize: number;
  readonly dims: number;
  readonly float16: boolean;
}

/** Serialises the graph; the same inputs always give the same bytes. */
export function gatherModelBytes(options: GatherModelOptions): Uint8Array {
  const { table, vocabSize, dims, float16 } = options;
  if (table.length !== vocabSize * dims) throw new RangeError(`table has ${table.length} values, expected ${vocabSize * dims}`);

  const raw = float16 ? toFloat16Bytes(table) : new Uint8Array(table.buffer, table.byteOffset, table.byteLength);
  const weights = onnx.TensorProto.create({
    name: "token_embeddings",
    dims: [vocabSize, dims],
    dataType: float16 ? onnx.TensorProto.DataType.FLOAT16 : onnx.TensorProto.DataType.FLOAT,
    rawData: raw,
  });

  const dynamic = (name: string) => onnx.TensorShapeProto.Dimension.create({ dimParam: name });
  const valueInfo = (name: string, elemType: number, shape: ReturnType<typeof dynamic>[]) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({ elemType, shape: onnx.TensorShapeProto.create({ dim: shape }) }),
      }),
    });

  const nodes = float16
    ? [
        onnx.NodeProto.create({ opType: "Gather", input: ["token_embeddings", "input_ids"], output: ["gathered"], name: "lookup" }),
        onnx.NodeProto.create({
          opType: "Cast",
          input: ["gathered"],
          output: ["last_hidden_state"],
          name: "to_float32",
          attribute: [
            onnx.AttributeProto.create({ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT }),
          ],
        }),
      ]
    : [
        onnx.NodeProto.create({
          opType: "Gather",
          input: ["token_embeddings", "input_ids"],
          output: ["last_hidden_state"],
          name: "lookup",
        }),
      ];

  const graph = onnx.GraphProto.create({
    name: "static_token_embeddings",
    node: nodes,
    initializer: [weights],
    input: [
      valueInfo("input_ids", onnx.TensorProto.DataType.INT64, [dynamic("batch"), dynamic("sequence")]),
      valueInfo("attention_mask", onnx.TensorProto.DataType.INT64, [dynamic("batch"), dynamic("sequence")]),
    ],
    output: [
      valueInfo("last_hidden_state", onnx.TensorProto.DataType.FLOAT, [
        dynamic("batch"),
        dynamic("sequence"),
        onnx.TensorShapeProto.Dimension.create({ dimValue: dims }),
      ]),
    ],
  });

  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "policybot-build-offline-model",
    producerVersion: "1",
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: 13 })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}

/** IEEE 754 half precision, round to nearest even, little-endian bytes. */
export function toFloat16Bytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  for (let i = 0; i < values.length; i++) {
    f32[0] = values[i]!;
    const h = floatBitsToHalf(u32[0]!);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}

function floatBitsToHalf(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow to zero
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (half & 1))) half++;
  return sign | half;
}
