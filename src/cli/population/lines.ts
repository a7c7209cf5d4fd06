// Bytes in, bytes out: reading an NDJSON file's lines in a byte range, spill files written with bounded memory,
// and spilled records read back — without turning whole files into strings (a line becomes a string only when it
// is routed or parsed). Synchronous I/O: each worker thread does one thing at a time, in large reads and writes.
import { appendFileSync, closeSync, existsSync, openSync, readFileSync, readSync } from "node:fs";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;
const TAB = 0x09;

/**
 * Calls `onLine(buf, start, end, offset)` for every non-blank line that starts in [start, end) of the file (a line
 * that starts in the range is read to its end, past `end` if need be); the line is buf[start, end), valid until
 * the callback returns, and `offset` is its first byte in the file.
 */
export function forEachLine(
  path: string,
  start: number,
  end: number,
  onLine: (buf: Buffer, from: number, to: number, offset: number) => void,
  chunk = CHUNK,
): void {
  const CHUNK = chunk;
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = start;
    // Inside a line that started before the range: skip to its end.
    if (start > 0) {
      const one = Buffer.alloc(1);
      readSync(fd, one, 0, 1, start - 1);
      if (one[0] !== NEWLINE) {
        for (;;) {
          const n = readSync(fd, buf, 0, CHUNK, pos);
          if (n === 0) return;
          const nl = buf.indexOf(NEWLINE);
          if (nl >= 0 && nl < n) {
            pos += nl + 1;
            break;
          }
          pos += n;
        }
      }
    }
    let carry: Buffer | null = null;
    let carryOffset = pos;
    while (pos < end || carry) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) {
        if (carry) emit(carry, 0, carry.length, carryOffset, onLine);
        return;
      }
      let from = 0;
      let lineStart = pos;
      for (;;) {
        const nl = buf.indexOf(NEWLINE, from);
        if (nl < 0 || nl >= n) break;
        if (carry) {
          const whole = Buffer.concat([carry, buf.subarray(0, nl)]);
          carry = null;
          emit(whole, 0, whole.length, carryOffset, onLine);
        } else if (lineStart < end) {
          emit(buf, from, nl, lineStart, onLine);
        } else {
          return; // the next line starts past the range
        }
        from = nl + 1;
        lineStart = pos + from;
        if (lineStart >= end) return;
      }
      // The rest of the chunk is the start (or the middle) of a line.
      if (from < n) {
        if (carry) carry = Buffer.concat([carry, buf.subarray(from, n)]);
        else {
          carry = Buffer.from(buf.subarray(from, n));
          carryOffset = lineStart;
        }
      }
      pos += n;
    }
  } finally {
    closeSync(fd);
  }
}

function isBlank(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function emit(buf: Buffer, from: number, to: number, offset: number, onLine: (buf: Buffer, from: number, to: number, offset: number) => void): void {
  let stop = to;
  if (stop > from && buf[stop - 1] === 0x0d) stop--; // CRLF
  if (!isBlank(buf, from, stop)) onLine(buf, from, stop, offset);
}

/**
 * Buffered appends to many files: each file's bytes are copied into its own buffer and written in large appends;
 * at most `limit` bytes are held in all (the fullest buffers are written out first).
 */
export class SpillWriter {
  private readonly buffers = new Map<string, { buf: Buffer; used: number }>();
  private held = 0;
  private readonly limit: number;
  private readonly perFile: number;
  constructor(limit = 16 * 1024 * 1024, perFile = 256 * 1024) {
    this.limit = limit;
    this.perFile = perFile;
  }

  /** Appends `head` (ASCII), then bytes[from, to), then a newline. */
  write(path: string, head: string, bytes?: Buffer, from = 0, to = bytes?.length ?? 0): void {
    const size = head.length + (to - from) + 1;
    let b = this.buffers.get(path);
    if (b && b.used + size > b.buf.length) {
      this.flushFile(path);
      b = undefined;
    }
    if (!b) {
      b = { buf: Buffer.allocUnsafe(Math.max(this.perFile, size)), used: 0 };
      this.buffers.set(path, b);
    }
    b.used += b.buf.write(head, b.used, "latin1");
    if (bytes) b.used += bytes.copy(b.buf, b.used, from, to);
    b.buf[b.used++] = NEWLINE;
    this.held += size;
    if (this.held > this.limit) {
      const fullest = [...this.buffers.entries()].sort((x, y) => y[1].used - x[1].used).slice(0, Math.max(1, this.buffers.size >> 2));
      for (const [p] of fullest) this.flushFile(p);
    }
  }

  private flushFile(path: string): void {
    const b = this.buffers.get(path);
    if (!b) return;
    if (b.used > 0) appendFileSync(path, b.buf.subarray(0, b.used));
    this.held -= b.used;
    this.buffers.delete(path);
  }

  flush(): void {
    for (const path of [...this.buffers.keys()]) this.flushFile(path);
  }
}

/** A spilled record "key \t id \t json": the key as a number, the id, and where the json lies in `buf`. */
export interface SpillRecord {
  key: number;
  id: string;
  buf: Buffer;
  from: number;
  to: number;
}

/** Every record of a spill file (none when the file was never written). */
export function readSpill(path: string, onRecord: (r: SpillRecord) => void): void {
  if (!existsSync(path)) return;
  const buf = readFileSync(path);
  let at = 0;
  while (at < buf.length) {
    const end = buf.indexOf(NEWLINE, at);
    const t1 = buf.indexOf(TAB, at);
    const t2 = buf.indexOf(TAB, t1 + 1);
    onRecord({ key: Number(buf.toString("latin1", at, t1)), id: buf.toString("latin1", t1 + 1, t2), buf, from: t2 + 1, to: end });
    at = end + 1;
  }
}

/** A line's place in the export as one number: file number × 2^40 + byte offset (files under a terabyte). */
export function exportKey(fileIndex: number, offset: number): number {
  return fileIndex * 2 ** 40 + offset;
}
