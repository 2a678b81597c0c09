import { boundedMemo } from '../../kernel';
import { chDateTime, chDateTime64 } from './tables';

const TWO_32 = 2 ** 32;
const utf8 = boundedMemo((s: string): Buffer => Buffer.from(s, 'utf8'), 10_000);

/**
 * Rows in ClickHouse's RowBinary format, written into one growing buffer: the engine reads it
 * without parsing text, and building it costs less than the same rows as TabSeparated (no
 * escaping, no string per row). Repeated strings (codes, units, sources) are encoded once.
 */
export class RowBinaryWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 1 << 20) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A length (of a string or an array) as an unsigned LEB128 varint. */
  varUInt(n: number): void {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n;
  }

  /** String (and LowCardinality(String)): its UTF-8 length as a varint, then the bytes. */
  string(s: string): void {
    const n = s.length;
    if (n < 128) {
      // Short ASCII (codes, statuses, most sources and flags) byte by byte: cheaper than a call
      // into the buffer's native copy.
      this.room(n + 1);
      const start = this.pos;
      this.buf[this.pos++] = n;
      let ascii = true;
      for (let i = 0; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) {
          ascii = false;
          break;
        }
        this.buf[this.pos++] = c;
      }
      if (ascii) return;
      this.pos = start;
    }
    const bytes = utf8(s);
    this.varUInt(bytes.length);
    this.room(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  /** Bool, and a Nullable's null marker (1 = null). */
  uint8(n: number): void {
    this.room(1);
    this.buf[this.pos++] = n;
  }

  float64(x: number): void {
    this.room(8);
    this.pos = this.buf.writeDoubleLE(x, this.pos);
  }

  /** DateTime: seconds since the epoch. */
  dateTime(ms: number): void {
    this.room(4);
    this.pos = this.buf.writeUInt32LE(Math.floor(ms / 1000), this.pos);
  }

  /** DateTime64(3): milliseconds since the epoch, as Int64. */
  dateTime64ms(ms: number): void {
    this.room(8);
    if (ms >= 0 && ms < Number.MAX_SAFE_INTEGER) {
      this.pos = this.buf.writeUInt32LE(ms % TWO_32, this.pos);
      this.pos = this.buf.writeUInt32LE(Math.floor(ms / TWO_32), this.pos);
    } else this.pos = this.buf.writeBigInt64LE(BigInt(ms), this.pos);
  }

  /** The rows written so far (a view of the buffer, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** A column type: its name in a file's structure, its value in JSONEachRow, its bytes in RowBinary. */
export interface ColumnType<V> {
  name: string;
  json(v: V): unknown;
  write(w: RowBinaryWriter, v: V): void;
}

export const STRING: ColumnType<string> = { name: 'String', json: (v) => v, write: (w, v) => w.string(v) };
export const BOOL: ColumnType<boolean> = { name: 'Bool', json: (v) => v, write: (w, v) => w.uint8(v ? 1 : 0) };
/** -0 is written as 0 on both paths (revision_key hashes the bytes). */
export const FLOAT64: ColumnType<number> = { name: 'Float64', json: (v) => v + 0, write: (w, v) => w.float64(v + 0) };
export const STRINGS: ColumnType<readonly string[]> = {
  name: 'Array(String)',
  json: (v) => v,
  write(w, v) {
    w.varUInt(v.length);
    for (const s of v) w.string(s);
  },
};
/** Epoch milliseconds, as DateTime (seconds) and DateTime64(3). */
export const DATE_TIME: ColumnType<number> = {
  name: "DateTime('UTC')",
  json: chDateTime,
  write: (w, ms) => w.dateTime(ms),
};
export const DATE_TIME64: ColumnType<number> = {
  name: "DateTime64(3, 'UTC')",
  json: chDateTime64,
  write: (w, ms) => w.dateTime64ms(ms),
};
export const nullable = <V>(t: ColumnType<V>): ColumnType<V | null> => ({
  name: `Nullable(${t.name})`,
  json: (v) => (v === null ? null : t.json(v)),
  write(w, v) {
    if (v === null) w.uint8(1);
    else {
      w.uint8(0);
      t.write(w, v);
    }
  },
});

/** One column of a row: its name and type, and the value of a record in it. */
export interface Column<R> {
  name: string;
  type: string;
  json(r: R): unknown;
  write(w: RowBinaryWriter, r: R): void;
}

export const column = <R, V>(name: string, type: ColumnType<V>, value: (r: R) => V): Column<R> => ({
  name,
  type: type.name,
  json: (r) => type.json(value(r)),
  write: (w, r) => type.write(w, value(r)),
});

/**
 * A row described once by its columns, for every way it is written: the column list of an
 * INSERT and a SELECT, the structure a RowBinary file is read with, a record as a JSONEachRow
 * object and as RowBinary bytes (in the columns' order).
 */
export interface RowFormat<R> {
  /** `a, b, c` */
  names: string;
  /** `a String, b Bool, …` */
  structure: string;
  json(r: R): Record<string, unknown>;
  write(w: RowBinaryWriter, r: R): void;
}

export function rowFormat<R>(columns: readonly Column<R>[]): RowFormat<R> {
  return {
    names: columns.map((c) => c.name).join(', '),
    structure: columns.map((c) => `${c.name} ${c.type}`).join(', '),
    json(r) {
      const row: Record<string, unknown> = {};
      for (const c of columns) row[c.name] = c.json(r);
      return row;
    },
    write(w, r) {
      for (const c of columns) c.write(w, r);
    },
  };
}
