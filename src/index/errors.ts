/**
 * Exceptional failures of the on-disk index. Expected states (no index yet, stale,
 * damaged) are not errors: `openIndex` reports them as a status with a reason.
 */

/** A failure on an index file or folder: what happened, and the path involved. */
abstract class IndexPathError extends Error {
  constructor(
    message: string,
    /** The folder or file involved. */
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Building or committing an index folder failed; the previous index is untouched. */
export class IndexWriteError extends IndexPathError {
  override readonly name = "IndexWriteError";
}

/**
 * A store folder could not be read by `HnswVectorStore.load` (called directly,
 * without the checks of `openIndex`).
 */
export class IndexLoadError extends IndexPathError {
  override readonly name = "IndexLoadError";
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
