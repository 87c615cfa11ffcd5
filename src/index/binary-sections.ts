/**
 * The container of the index's binary files: a small JSON header, then named sections
 * of typed numbers, each aligned to 8 bytes so that a loaded file is read in place (typed
 * views over the file's bytes, nothing parsed). Large data never passes through one
 * JSON string: the header holds only counts and parameters, never per-item data.
 *
 *   "PBSC" | u32 container version | u32 header bytes | header JSON | padding | sections…
 *
 * Reading checks the magic, the version, that the header parses and that every section
 * lies inside the file with its declared type and length; a damaged file is an error
 * with a reason, never an out-of-bounds view. A container is read from a buffer, or
 * opened as a file whose sections are read when asked (large lists stay on disk).
 */
import { closeSync, fstatSync, open as openCallback, read as readCallback, readSync } from "node:fs";
import { promisify } from "node:util";

const MAGIC = 0x43534250; // "PBSC" little-endian
const CONTAINER_VERSION = 1;
const ALIGN = 8;

const TYPES = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f32: Float32Array,
  f64: Float64Array,
} as const;

export type SectionType = keyof typeof TYPES;
interface ArrayTypes {
  u8: Uint8Array;
  u16: Uint16Array;
  u32: Uint32Array;
  i32: Int32Array;
  f32: Float32Array;
  f64: Float64Array;
}
type ArrayOf<T extends SectionType> = ArrayTypes[T];
export type SectionArray = ArrayTypes[SectionType];

interface SectionEntry {
  readonly name: string;
  readonly type: SectionType;
  /** Byte offset from the start of the file. */
  readonly offset: number;
  /** Number of elements. */
  readonly length: number;
}

interface Header {
  /** What the file holds, e.g. "policybot-lexical"; checked by the reader. */
  readonly kind: string;
  readonly meta: unknown;
  readonly sections: readonly SectionEntry[];
}

/** A file that is not a readable container of the expected kind. */
export class SectionFormatError extends Error {
  override readonly name = "SectionFormatError";
}

function typeOf(array: SectionArray): SectionType {
  for (const [name, ctor] of Object.entries(TYPES)) if (array instanceof ctor) return name as SectionType;
  throw new TypeError("unsupported section array type");
}

const pad = (n: number) => (ALIGN - (n % ALIGN)) % ALIGN;

/**
 * Encodes a container as a list of buffers (write them in order; nothing is copied into
 * one big buffer). `meta` must be small: counts and parameters.
 */
export function encodeSections(kind: string, meta: unknown, sections: Readonly<Record<string, SectionArray>>): Buffer[] {
  const entries: SectionEntry[] = [];
  const names = Object.keys(sections);
  // Offsets depend on the header's length, which depends on the offsets' digits: iterate to a fixed point.
  let headerBytes = 0;
  let json = "";
  for (let round = 0; round < 4; round++) {
    let offset = 12 + headerBytes + pad(12 + headerBytes);
    entries.length = 0;
    for (const name of names) {
      const array = sections[name]!;
      entries.push({ name, type: typeOf(array), offset, length: array.length });
      offset += array.byteLength + pad(array.byteLength);
    }
    json = JSON.stringify({ kind, meta, sections: entries } satisfies Header);
    const bytes = Buffer.byteLength(json);
    if (bytes === headerBytes) break;
    headerBytes = bytes;
  }
  const head = Buffer.alloc(12);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(CONTAINER_VERSION, 4);
  head.writeUInt32LE(headerBytes, 8);
  const out: Buffer[] = [head, Buffer.from(json), Buffer.alloc(pad(12 + headerBytes))];
  for (const name of names) {
    const array = sections[name]!;
    out.push(Buffer.from(array.buffer, array.byteOffset, array.byteLength), Buffer.alloc(pad(array.byteLength)));
  }
  return out;
}

/**
 * Bytes of a section read on demand: views of memory for a container decoded from a
 * buffer, positioned reads from the file for one opened from disk (a 10,000-circular
 * index keeps its postings lists on disk and reads the few a question needs).
 */
export interface ByteSource {
  readonly length: number;
  /**
   * Bytes [start, start + length) of the section: a view of memory, or read from the file
   * into `into` when it is given and long enough (else into a fresh array).
   */
  read(start: number, length: number, into?: Uint8Array): Uint8Array;
}

/** Bytes held in memory, read as views. */
export class MemoryBytes implements ByteSource {
  constructor(private readonly bytes: Uint8Array) {}
  get length(): number {
    return this.bytes.length;
  }
  read(start: number, length: number): Uint8Array {
    if (start < 0 || start + length > this.bytes.length) throw new SectionFormatError("read outside the section");
    return this.bytes.subarray(start, start + length);
  }
}

const openFile = promisify(openCallback);
const readFile = promisify(readCallback);

/** Open files of lazily read containers, closed once nothing refers to their container. */
const openFiles = new FinalizationRegistry<number>((fd) => closeSync(fd));

/** Reads shorter than this are not kept (they cost little to repeat, and would crowd the cache). */
const KEEP_FROM = 4096;

class FileBytes implements ByteSource {
  /** Recent reads by start, least recently used first (see {@link Sections.source}). */
  private readonly kept = new Map<number, Uint8Array>();
  private keptBytes = 0;

  constructor(
    private readonly fd: number,
    private readonly offset: number,
    readonly length: number,
    /** Keeps the container (and so the file) open while this source is in use. */
    readonly owner: object,
    private readonly keepBytes: number,
  ) {}

  read(start: number, length: number, into?: Uint8Array): Uint8Array {
    if (start < 0 || start + length > this.length) throw new SectionFormatError("read outside the section");
    const keep = !into && length >= KEEP_FROM && length <= this.keepBytes / 4;
    if (keep) {
      const hit = this.kept.get(start);
      if (hit?.length === length) {
        this.kept.delete(start);
        this.kept.set(start, hit);
        return hit;
      }
    }
    const out = into && into.length >= length ? into.subarray(0, length) : new Uint8Array(length);
    for (let done = 0; done < length; ) {
      const n = readSync(this.fd, out, done, length - done, this.offset + start + done);
      if (n === 0) throw new SectionFormatError("file ends inside a section");
      done += n;
    }
    if (keep) {
      for (const [oldest, bytes] of this.kept) {
        if (this.keptBytes + length <= this.keepBytes) break;
        this.kept.delete(oldest);
        this.keptBytes -= bytes.length;
      }
      this.kept.set(start, out);
      this.keptBytes += length;
    }
    return out;
  }
}

/**
 * Texts (item texts, the counted texts of substring frequency) up to this many bytes are
 * read into memory at open; larger ones stay in the file, each part read when asked. At
 * 2,000 circulars both are under it (a few hundred reads a question cost about a
 * millisecond); at 10,000 both are over it, where memory is the tighter limit.
 */
export const TEXTS_IN_MEMORY = 64 * 1024 * 1024;

/** A decoded container: its meta, and its sections as typed arrays or byte sources. */
export class Sections {
  private constructor(
    /** The whole file in memory, or undefined for a file read on demand. */
    private readonly bytes: Buffer | undefined,
    private readonly fd: number | undefined,
    readonly meta: unknown,
    private readonly entries: ReadonlyMap<string, SectionEntry>,
  ) {}

  /**
   * Reads a container of the given kind from bytes in memory.
   * @throws {SectionFormatError} when the bytes are not one, or not of this kind.
   */
  static decode(data: Buffer, kind: string): Sections {
    // Typed views need aligned memory; a small file read into Node's pool may not be.
    const bytes = data.byteOffset % ALIGN === 0 ? data : Buffer.from(new Uint8Array(data).buffer);
    const { meta, entries } = parseHeader((start, length) => bytes.subarray(start, start + length), bytes.length, kind);
    return new Sections(bytes, undefined, meta, entries);
  }

  /**
   * Opens a container file: reads its header and every section `onDisk` does not pick (by name and size in bytes)
   * (asynchronously: a large index loads while the thread keeps answering); the sections
   * it names stay in the file, to be read in parts through {@link source}. Check the
   * file's checksum first.
   * @throws {SectionFormatError} when the file is not one, or not of this kind.
   */
  static async open(
    file: string,
    kind: string,
    onDisk: (name: string, bytes: number) => boolean = () => false,
  ): Promise<Sections> {
    const fd = await openFile(file, "r");
    try {
      const size = fstatSync(fd).size;
      const read = async (start: number, length: number) => {
        const out = Buffer.alloc(Math.max(0, Math.min(length, size - start)));
        for (let done = 0; done < out.length; ) {
          const { bytesRead } = await readFile(fd, out, done, out.length - done, start + done);
          if (bytesRead === 0) throw new SectionFormatError("file ends inside its header");
          done += bytesRead;
        }
        return out;
      };
      const head = await read(0, 12);
      const headerBytes = head.length === 12 ? head.readUInt32LE(8) : 0;
      const headerText = head.length === 12 && 12 + headerBytes <= size ? await read(12, headerBytes) : new Uint8Array(0);
      const { meta, entries } = parseHeader(
        (start, length) => (start === 0 ? head.subarray(0, length) : headerText.subarray(start - 12, start - 12 + length)),
        size,
        kind,
      );
      const sections = new Sections(undefined, fd, meta, entries);
      openFiles.register(sections, fd);
      for (const e of entries.values()) {
        if (onDisk(e.name, e.length * TYPES[e.type].BYTES_PER_ELEMENT)) continue;
        // Not zero-filled: the read fills it, so its pages are first touched by the thread
        // pool's read rather than by a memset on the answering thread. At 2,000 circulars
        // zeroing the sections held that thread 85 ms at a swap (perf: fresh pages cleared
        // by the kernel under the ArrayBuffer's memset).
        const target = Buffer.allocUnsafeSlow(e.length * TYPES[e.type].BYTES_PER_ELEMENT);
        const array = new (TYPES[e.type] as Uint8ArrayConstructor)(target.buffer, target.byteOffset, e.length) as SectionArray;
        for (let done = 0; done < target.length; ) {
          const { bytesRead } = await readFile(fd, target, done, target.length - done, e.offset + done);
          if (bytesRead === 0) throw new SectionFormatError(`file ends inside section ${e.name}`);
          done += bytesRead;
        }
        sections.loaded.set(e.name, array);
      }
      return sections;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Sections of an opened file read into memory by {@link open}. */
  private readonly loaded = new Map<string, SectionArray>();

  private entry(name: string, type: SectionType, length?: number): SectionEntry {
    const e = this.entries.get(name);
    if (!e) throw new SectionFormatError(`section ${name} is missing`);
    if (e.type !== type) throw new SectionFormatError(`section ${name} holds ${e.type}, expected ${type}`);
    if (length !== undefined && e.length !== length)
      throw new SectionFormatError(`section ${name} holds ${e.length} values, expected ${length}`);
    return e;
  }

  /**
   * How many values the named section holds, from the header (nothing of it is read).
   * @throws {SectionFormatError} when it is missing or of another type.
   */
  count(name: string, type: SectionType): number {
    return this.entry(name, type).length;
  }

  /**
   * The named section as a typed array: a view of the bytes in memory, or read whole from the file.
   * @throws {SectionFormatError} when it is missing, of another type, or not `length` long.
   */
  get<T extends SectionType>(name: string, type: T, length?: number): ArrayOf<T> {
    const e = this.entry(name, type, length);
    const ctor = TYPES[type];
    if (this.bytes) return new ctor(this.bytes.buffer as ArrayBuffer, this.bytes.byteOffset + e.offset, e.length) as ArrayOf<T>;
    const loaded = this.loaded.get(name);
    if (!loaded) throw new SectionFormatError(`section ${name} was left on disk`);
    return loaded as ArrayOf<T>;
  }

  /** A u8 section as a Buffer (for text blobs). */
  bytesOf(name: string): Buffer {
    const view = this.get(name, "u8");
    return Buffer.from(view.buffer, view.byteOffset, view.byteLength);
  }

  /**
   * A u8 section to read parts of on demand (from memory, or from the file without loading
   * it). From the file, reads of 4 kB or more are kept up to `keepBytes` in all, least
   * recently used dropped first; a read returns the kept bytes, which callers must not change.
   */
  source(name: string, keepBytes = 0): ByteSource {
    const e = this.entry(name, "u8");
    const inMemory = this.bytes !== undefined || this.loaded.has(name);
    return inMemory ? new MemoryBytes(this.get(name, "u8")) : new FileBytes(this.fd!, e.offset, e.length, this, keepBytes);
  }
}

/** Checks the magic, the version and the header, and that every section lies inside the file. */
function parseHeader(
  read: (start: number, length: number) => Uint8Array,
  size: number,
  kind: string,
): { meta: unknown; entries: Map<string, SectionEntry> } {
  const head = Buffer.from(read(0, 12));
  if (head.length < 12 || head.readUInt32LE(0) !== MAGIC) throw new SectionFormatError(`not a ${kind} file`);
  const version = head.readUInt32LE(4);
  if (version !== CONTAINER_VERSION) throw new SectionFormatError(`container version ${version}, expected ${CONTAINER_VERSION}`);
  const headerBytes = head.readUInt32LE(8);
  if (12 + headerBytes > size) throw new SectionFormatError("header runs past the end of the file");
  let header: Header;
  try {
    header = JSON.parse(Buffer.from(read(12, headerBytes)).toString("utf8")) as Header;
  } catch {
    throw new SectionFormatError("header is not valid JSON");
  }
  if (header?.kind !== kind || !Array.isArray(header.sections))
    throw new SectionFormatError(`holds ${String(header?.kind)}, expected ${kind}`);
  const entries = new Map<string, SectionEntry>();
  for (const e of header.sections) {
    const ctor = Object.hasOwn(TYPES, e?.type) ? TYPES[e.type as SectionType] : undefined;
    const valid =
      ctor !== undefined &&
      Number.isSafeInteger(e.offset) &&
      Number.isSafeInteger(e.length) &&
      e.offset >= 12 + headerBytes &&
      e.length >= 0 &&
      e.offset % ALIGN === 0 &&
      e.offset + e.length * ctor.BYTES_PER_ELEMENT <= size;
    if (!valid) throw new SectionFormatError(`section ${String(e?.name)} lies outside the file or has no valid type`);
    entries.set(e.name, e);
  }
  return { meta: header.meta, entries };
}
