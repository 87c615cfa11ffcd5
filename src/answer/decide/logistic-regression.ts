/**
 * Logistic regression, fit by Newton's method with an L2 penalty. It is small enough to
 * write out (two dozen features, a few thousand examples, ten iterations) and exact and
 * deterministic, which an npm package adds nothing to; features are standardised first
 * so one penalty suits them all.
 */

/** A fitted model over standardised features. */
export interface LogisticModel {
  readonly features: readonly string[];
  readonly mean: readonly number[];
  readonly scale: readonly number[];
  readonly weights: readonly number[];
  readonly bias: number;
}

export interface FitOptions {
  /** L2 penalty on the weights (not the bias). */
  readonly l2: number;
  readonly iterations: number;
}

export const FIT_DEFAULTS: FitOptions = { l2: 1.0, iterations: 25 };

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** The log-odds of y = 1 for one example given as named values (missing names count 0). */
export function logit(model: LogisticModel, x: Readonly<Record<string, number>>): number {
  let z = model.bias;
  model.features.forEach((f, j) => {
    z += model.weights[j]! * (((x[f] ?? 0) - model.mean[j]!) / model.scale[j]!);
  });
  return z;
}

/** P(y = 1) for one example. */
export function predict(model: LogisticModel, x: Readonly<Record<string, number>>): number {
  return sigmoid(logit(model, x));
}

/** Solves A·x = b in place (Gaussian elimination with partial pivoting). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let i = 0; i < n; i++) {
    let p = i;
    for (let r = i + 1; r < n; r++) if (Math.abs(a[r]![i]!) > Math.abs(a[p]![i]!)) p = r;
    [a[i], a[p]] = [a[p]!, a[i]!];
    [b[i], b[p]] = [b[p]!, b[i]!];
    const d = a[i]![i]! || 1e-12;
    for (let r = i + 1; r < n; r++) {
      const f = a[r]![i]! / d;
      if (f === 0) continue;
      for (let c = i; c < n; c++) a[r]![c]! -= f * a[i]![c]!;
      b[r]! -= f * b[i]!;
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let c = i + 1; c < n; c++) s -= a[i]![c]! * x[c]!;
    x[i] = s / (a[i]![i]! || 1e-12);
  }
  return x;
}

/** Fits a model to examples (named values, label 0 or 1). */
export function fitLogistic(
  features: readonly string[],
  examples: readonly { x: Readonly<Record<string, number>>; y: 0 | 1 }[],
  options: FitOptions = FIT_DEFAULTS,
): LogisticModel {
  const m = features.length;
  const rows = examples.map((e) => features.map((f) => e.x[f] ?? 0));
  const mean = features.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / Math.max(1, rows.length));
  const scale = features.map((_, j) => {
    const v = rows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / Math.max(1, rows.length);
    return Math.sqrt(v) || 1;
  });
  const z = rows.map((r) => [1, ...r.map((v, j) => (v - mean[j]!) / scale[j]!)]);
  let w = new Array<number>(m + 1).fill(0);
  for (let it = 0; it < options.iterations; it++) {
    const grad = new Array<number>(m + 1).fill(0);
    const hess = Array.from({ length: m + 1 }, () => new Array<number>(m + 1).fill(0));
    z.forEach((row, i) => {
      const p = sigmoid(row.reduce((s, v, j) => s + v * w[j]!, 0));
      const err = p - examples[i]!.y;
      const h = p * (1 - p);
      for (let j = 0; j <= m; j++) {
        grad[j]! += err * row[j]!;
        for (let k = j; k <= m; k++) hess[j]![k]! += h * row[j]! * row[k]!;
      }
    });
    for (let j = 0; j <= m; j++) for (let k = 0; k < j; k++) hess[j]![k] = hess[k]![j]!;
    for (let j = 1; j <= m; j++) {
      grad[j]! += options.l2 * w[j]!;
      hess[j]![j]! += options.l2;
    }
    const step = solve(hess, grad);
    w = w.map((v, j) => v - step[j]!);
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { features: [...features], mean, scale, weights: w.slice(1), bias: w[0]! };
}
