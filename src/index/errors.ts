/**
 * Exceptional failures of the on-disk index. Expected states (no index yet, stale,
 * damaged) are not errors: `openIndex` reports them as a status with a reason.
 */

/** Building or committing an index folder failed; the previous index is untouched. */
export class IndexWriteError extends Error {
  override readonly name = "IndexWriteError";
  constructor(
    message: string,
    /** The folder or file involved. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * A store folder could not be read by `HnswVectorStore.load` (called directly,
 * without the checks of `openIndex`).
 */
export class IndexLoadError extends Error {
  override readonly name = "IndexLoadError";
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A vector's length differs from the store's dimensions (e.g. another embedding model). */
export class DimensionMismatchError extends Error {
  override readonly name = "DimensionMismatchError";
  constructor(
    readonly expected: number,
    readonly actual: number,
    readonly what: string,
  ) {
    super(`${what} has ${actual} dimensions, the store holds ${expected}-dimension vectors`);
  }
}
