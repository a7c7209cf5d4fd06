// Bytes in, bytes out: reading an NDJSON file's lines in a byte range, spill files written with bounded memory,
// and spilled records read back — without turning whole files into strings (a line becomes a string only when it
// is routed or parsed). Synchronous I/O: each worker thread does one thing at a time, in large reads and writes.
import { appendFileSync, closeSync, existsSync, openSync, readSync, statSync, writeSync } from "node:fs";

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;
const TAB = 0x09;

/**
 * The longest line a population run reads: twice what it reads for one patient (MAX_PATIENT_BYTES), so a patient
 * with a long resource still gets its line with the error, while a line of any length costs no more memory than this.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** A line longer than MAX_LINE_BYTES: where it starts and its length (it was counted, not kept). */
export type OnLongLine = (offset: number, bytes: number) => void;

/**
 * Calls `onLine(buf, start, end, offset)` for every non-blank line that starts in [start, end) of the file (a line
 * that starts in the range is read to its end, past `end` if need be); the line is buf[start, end), valid until
 * the callback returns, and `offset` is its first byte in the file. A line longer than `maxLine` bytes goes to
 * `onLong` instead, counted as it streams by: memory stays bounded whatever the file holds.
 */
export function forEachLine(
  path: string,
  start: number,
  end: number,
  onLine: (buf: Buffer, from: number, to: number, offset: number) => void,
  chunk = CHUNK,
  onLong: OnLongLine = () => {},
  maxLine = MAX_LINE_BYTES,
): void {
  const CHUNK = chunk;
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = start;
    // A UTF-8 byte order mark at the head of the file (some tools write one) is not part of its first line, as
    // for evaluate --bundle, which reads files through a decoder that drops it.
    // The range that starts the file owns that first line, wherever the next range starts.
    if (start === 0 && end > 0) {
      const head = Buffer.alloc(3);
      if (readSync(fd, head, 0, 3, 0) === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
        pos = 3;
        end = Math.max(end, 4);
      }
    }
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
    // A line that runs past the chunk it started in: copies of its pieces (joined once, at its end), or only its
    // length once it is longer than maxLine.
    let pieces: Buffer[] = [];
    let carried = 0;
    let carrying = false;
    let carryOffset = pos;
    const finish = (last: Buffer | null): void => {
      const bytes = carried + (last?.length ?? 0);
      if (bytes > maxLine) onLong(carryOffset, bytes);
      else {
        if (last) pieces.push(last);
        const whole = Buffer.concat(pieces, bytes);
        emit(whole, 0, whole.length, carryOffset, onLine);
      }
      pieces = [];
      carried = 0;
      carrying = false;
    };
    while (pos < end || carrying) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) {
        if (carrying) finish(null);
        return;
      }
      let from = 0;
      let lineStart = pos;
      for (;;) {
        const nl = buf.indexOf(NEWLINE, from);
        if (nl < 0 || nl >= n) break;
        if (carrying) finish(buf.subarray(0, nl));
        else if (lineStart < end) {
          if (nl - from > maxLine) onLong(lineStart, nl - from);
          else emit(buf, from, nl, lineStart, onLine);
        } else {
          return; // the next line starts past the range
        }
        from = nl + 1;
        lineStart = pos + from;
        if (lineStart >= end) return;
      }
      // The rest of the chunk is the start (or the middle) of a line.
      if (from < n) {
        if (!carrying) {
          carrying = true;
          carryOffset = lineStart;
        }
        carried += n - from;
        if (carried <= maxLine) pieces.push(Buffer.from(buf.subarray(from, n)));
        else pieces = []; // too long to keep: only counted from here on
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
 * Buffered appends to many files with a fixed amount of memory: `limit` bytes of buffers, allocated once and
 * reused; a file gets a buffer while it is being written, and when none is free the fullest is written out and
 * handed over. `plan(files)` sizes the buffers so that each of a phase's files has its own (a buffer handed from file
 * to file on every line would turn each line into a small write): each file gets large appends.
 */
export class SpillWriter {
  private readonly slots = new Map<string, { buf: Buffer; used: number }>();
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private readonly limit: number;
  private size: number;
  constructor(limit = 16 * 1024 * 1024, size = 256 * 1024) {
    this.limit = limit;
    this.size = size;
  }

  /** Buffers for `files` files at once within the limit (at most 1 MB, at least 16 KB each); call it between phases. */
  plan(files: number): void {
    const size = Math.max(16 * 1024, Math.min(1 << 20, Math.floor(this.limit / Math.max(1, files))));
    if (size === this.size) return;
    this.flush();
    this.free.length = 0;
    this.allocated = 0;
    this.size = size;
  }

  /** Appends `head` (ASCII), then bytes[from, to), then a newline. */
  write(path: string, head: string, bytes?: Buffer, from = 0, to = bytes?.length ?? 0): void {
    const need = head.length + (to - from) + 1;
    const slot = this.slotFor(path, need);
    if (!slot) {
      // A line longer than a buffer: what is buffered for the file first (slotFor wrote it), then the line itself.
      const whole = Buffer.concat([Buffer.from(head, "latin1"), bytes ? bytes.subarray(from, to) : Buffer.alloc(0), Buffer.from("\n")]);
      this.append(path, whole, whole.length);
      return;
    }
    // The head is a few ASCII characters: copied here rather than through a native call.
    const buf = slot.buf;
    let at = slot.used;
    for (let i = 0; i < head.length; i++) buf[at++] = head.charCodeAt(i);
    if (bytes) at += bytes.copy(buf, at, from, to);
    buf[at++] = NEWLINE;
    slot.used = at;
  }

  /**
   * Appends the record "key \t id \t line" and a newline, where the id is idBytes[idFrom, idTo) (ASCII) and the line
   * bytes[from, to): the same bytes as write(path, `${key}\t${id}\t`, bytes, from, to), without making the head a string.
   */
  writeRecord(path: string, key: number, idBytes: Buffer, idFrom: number, idTo: number, bytes: Buffer, from: number, to: number): void {
    let digits = 0;
    for (let k = key; k >= 10; k = Math.floor(k / 10)) digits++;
    digits++;
    const need = digits + 1 + (idTo - idFrom) + 1 + (to - from) + 1;
    const slot = this.slotFor(path, need);
    if (!slot) {
      this.write(path, `${key}\t${idBytes.toString("latin1", idFrom, idTo)}\t`, bytes, from, to);
      return;
    }
    const buf = slot.buf;
    let at = slot.used + digits;
    for (let k = key, i = at - 1; i >= slot.used; i--, k = Math.floor(k / 10)) buf[i] = 48 + (k % 10);
    buf[at++] = TAB;
    for (let i = idFrom; i < idTo; i++) buf[at++] = idBytes[i]!;
    buf[at++] = TAB;
    at += bytes.copy(buf, at, from, to);
    buf[at++] = NEWLINE;
    slot.used = at;
  }

  /** The file's buffer with room for `need` bytes (what it held is written out first if need be); null when a record is longer than a buffer. */
  private slotFor(path: string, need: number): { buf: Buffer; used: number } | null {
    let slot = this.slots.get(path);
    if (need > this.size) {
      if (slot) this.writeOut(path, slot);
      return null;
    }
    if (slot && slot.used + need > this.size) this.writeOut(path, slot);
    if (!slot) {
      slot = { buf: this.take(), used: 0 };
      this.slots.set(path, slot);
    }
    return slot;
  }

  /** A buffer: a free one, a new one while under the limit, else the fullest file's (written out first). */
  private take(): Buffer {
    const free = this.free.pop();
    if (free) return free;
    if (this.allocated + this.size <= this.limit || this.slots.size === 0) {
      this.allocated += this.size;
      return Buffer.allocUnsafe(this.size);
    }
    let fullest: [string, { buf: Buffer; used: number }] | undefined;
    for (const entry of this.slots) if (!fullest || entry[1].used > fullest[1].used) fullest = entry;
    const [path, slot] = fullest!;
    this.writeOut(path, slot);
    this.slots.delete(path);
    return slot.buf;
  }

  /** Files kept open during a phase (at most MAX_OPEN; others are opened for each append). */
  private readonly open = new Map<string, number>();
  private static readonly MAX_OPEN = 256;

  private writeOut(path: string, slot: { buf: Buffer; used: number }): void {
    if (slot.used > 0) this.append(path, slot.buf, slot.used);
    slot.used = 0;
  }

  private append(path: string, buf: Buffer, length: number): void {
    let fd = this.open.get(path);
    if (fd === undefined) {
      if (this.open.size >= SpillWriter.MAX_OPEN) {
        appendFileSync(path, buf.subarray(0, length));
        return;
      }
      fd = openSync(path, "a");
      this.open.set(path, fd);
    }
    let at = 0;
    while (at < length) at += writeSync(fd, buf, at, length - at);
  }

  /** Writes everything out and closes the files; the buffers stay for the next phase. */
  flush(): void {
    for (const [path, slot] of this.slots) {
      this.writeOut(path, slot);
      this.free.push(slot.buf);
    }
    this.slots.clear();
    for (const fd of this.open.values()) closeSync(fd);
    this.open.clear();
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

/**
 * Reads spill files into one buffer that is kept and reused (grown when a read needs more): a worker reads bucket
 * after bucket without a new buffer each time. The records of one read stay valid until the next read.
 */
/** A spilled record, as numbers: its key, where its id lies in `buf` and where its json lies. */
export type OnSpilledRecord = (buf: Buffer, key: number, idFrom: number, idTo: number, from: number, to: number) => void;

/** The records in buf[0, limit) (whole records, each ending with a newline). */
export function scanSpilled(buf: Buffer, limit: number, onRecord: OnSpilledRecord): void {
  let at = 0;
  while (at < limit) {
    // The key's digits and the id are short: read byte by byte (a native indexOf call per field costs more).
    let key = 0;
    let t1 = at;
    for (let c = buf[t1]!; c !== TAB; c = buf[++t1]!) key = key * 10 + (c - 48);
    let t2 = t1 + 1;
    while (buf[t2] !== TAB) t2++;
    const end = buf.indexOf(NEWLINE, t2 + 1);
    onRecord(buf, key, t1 + 1, t2, t2 + 1, end);
    at = end + 1;
  }
}

/** The read window of stream(): room for the longest record (a line of MAX_LINE_BYTES and its head), twice. */
const STREAM_BYTES = 2 * MAX_LINE_BYTES + (1 << 16);

export class SpillReader {
  private buf = Buffer.alloc(0);
  private window: Buffer | null = null;

  /** Every record of the files, in order (a file that was never written has none). */
  read(paths: string[], onRecord: (r: SpillRecord) => void): void {
    this.scan(paths, (buf, key, idFrom, idTo, from, to) => onRecord({ key, id: buf.toString("latin1", idFrom, idTo), buf, from, to }));
  }

  /**
   * Every record of the files, in order, as numbers: the key, where the id lies in `buf` and where the json lies (no
   * object and no string made per record). The files are read whole into one buffer, valid until the next call.
   */
  scan(paths: string[], onRecord: OnSpilledRecord): void {
    const sizes = paths.map((p) => (existsSync(p) ? statSync(p).size : 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(total, this.buf.length * 2));
    const buf = this.buf;
    let filled = 0;
    paths.forEach((p, i) => {
      if (sizes[i] === 0) return;
      const fd = openSync(p, "r");
      try {
        let at = 0;
        while (at < sizes[i]!) {
          const n = readSync(fd, buf, filled + at, sizes[i]! - at, at);
          if (n === 0) break;
          at += n;
        }
        filled += at;
      } finally {
        closeSync(fd);
      }
    });
    scanSpilled(buf, filled, onRecord);
  }

  /**
   * The same records through a window of fixed size (STREAM_BYTES), for files too large to hold: each record is
   * valid only during its call, which also gets its file and the file offset of buf[0] (its json is at base + from).
   */
  stream(paths: string[], onRecord: (buf: Buffer, key: number, idFrom: number, idTo: number, from: number, to: number, path: string, base: number) => void): void {
    const win = (this.window ??= Buffer.allocUnsafe(STREAM_BYTES));
    for (const p of paths) {
      if (!existsSync(p)) continue;
      const fd = openSync(p, "r");
      try {
        let pos = 0;
        let filled = 0;
        for (;;) {
          const n = readSync(fd, win, filled, win.length - filled, pos);
          pos += n;
          filled += n;
          const last = filled > 0 ? win.lastIndexOf(NEWLINE, filled - 1) : -1;
          if (last >= 0) {
            const base = pos - filled;
            scanSpilled(win, last + 1, (buf, key, idFrom, idTo, from, to) => onRecord(buf, key, idFrom, idTo, from, to, p, base));
            win.copy(win, 0, last + 1, filled);
            filled -= last + 1;
          }
          if (n === 0) break;
          if (filled === win.length) throw new Error(`${p}: a spilled record longer than ${STREAM_BYTES} bytes`);
        }
      } finally {
        closeSync(fd);
      }
    }
  }
}

/** A line's place in the export as one number: file number × 2^40 + byte offset (files under a terabyte). */
export function exportKey(fileIndex: number, offset: number): number {
  return fileIndex * 2 ** 40 + offset;
}
