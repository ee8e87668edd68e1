/**
 * A prediction batch in PostgreSQL's binary COPY format, and the COPY that sends it
 * (pg-copy-streams speaks the protocol). Binary because the server then reads each value as it
 * is stored (eight bytes of a float8, the bytes of a text) instead of parsing its decimal or
 * array text: on the rows of an upload of Geo-R answers, parsing the unnest's array literals was
 * about a quarter of the server's time a row (docs/decisions.md).
 */
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { PREDICTION_COLUMNS, type PredictionBatch } from "./prediction-columns.ts";

/** The 11-byte signature, then flags and header-extension length (both 0). */
const HEADER = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
const TYPES = PREDICTION_COLUMNS.map(([, t]) => t);
/** The exp column, then the prediction's. */
const FIELDS = PREDICTION_COLUMNS.length + 1;

export const COPY_PREDICTIONS_SQL = `copy predictions (exp, ${PREDICTION_COLUMNS.map(([c]) => c).join(", ")}) from stdin with (format binary)`;

/** Text this short is written a UTF-16 unit at a time while it is ASCII: cheaper than Buffer#write's call. */
const SHORT_TEXT = 24;
const NULL_FIELD = -1;

/**
 * Encodes prediction batches as binary COPY bodies, each row led by `exp` (the experiment's seq,
 * bigint). A null (NaN in a float column) is length −1; text is its UTF-8 bytes; int4 and float8
 * are big-endian. The body is a view of a buffer the encoder reuses: send it before the next
 * encode.
 */
export class CopyBinaryEncoder {
  private buf = Buffer.alloc(0);
  private view = new DataView(new ArrayBuffer(0));

  encode(batch: PredictionBatch, exp: number): Buffer {
    const { values } = batch.ordered();
    const rows = batch.length;
    this.reserve(batch, values);
    const buf = this.buf;
    const view = this.view;
    HEADER.copy(buf, 0);
    let off = HEADER.length;
    const expHigh = Math.floor(exp / 2 ** 32);
    const expLow = exp >>> 0;
    const columns = values.length;
    for (let i = 0; i < rows; i++) {
      view.setInt16(off, FIELDS);
      view.setInt32(off + 2, 8);
      view.setUint32(off + 6, expHigh);
      view.setUint32(off + 10, expLow);
      off += 14;
      for (let c = 0; c < columns; c++) {
        const type = TYPES[c];
        if (type === "float8") {
          const v = (values[c] as Float64Array)[i];
          if (Number.isNaN(v)) {
            view.setInt32(off, NULL_FIELD);
            off += 4;
          } else {
            view.setInt32(off, 8);
            view.setFloat64(off + 4, v);
            off += 12;
          }
          continue;
        }
        const v = (values[c] as unknown[])[i];
        if (v == null) {
          view.setInt32(off, NULL_FIELD);
          off += 4;
        } else if (type === "int4") {
          view.setInt32(off, 4);
          view.setInt32(off + 4, v as number);
          off += 8;
        } else {
          const text = typeof v === "string" ? v : String(v);
          let n = 0;
          const len = text.length;
          if (len <= SHORT_TEXT) {
            const start = off + 4;
            for (; n < len; n++) {
              const code = text.charCodeAt(n);
              if (code > 0x7f) break;
              buf[start + n] = code;
            }
          }
          if (n < len) n = buf.write(text, off + 4, "utf8");
          view.setInt32(off, n);
          off += 4 + n;
        }
      }
    }
    view.setInt16(off, -1);
    return buf.subarray(0, off + 2);
  }

  /** Makes the buffer at least an upper bound of the body's size (3 UTF-8 bytes at most per UTF-16 unit). */
  private reserve(batch: PredictionBatch, values: Array<Float64Array | unknown[]>): void {
    const rows = batch.length;
    let size = HEADER.length + 2 + rows * (14 + 4 * (FIELDS - 1));
    for (let c = 0; c < values.length; c++) {
      const type = TYPES[c];
      if (type === "float8") size += 8 * rows;
      else if (type === "int4") size += 4 * rows;
      else {
        const col = values[c] as unknown[];
        for (let i = 0; i < rows; i++) {
          const v = col[i];
          if (v != null) size += 3 * (typeof v === "string" ? v.length : String(v).length);
        }
      }
    }
    if (size <= this.buf.length) return;
    this.buf = Buffer.allocUnsafeSlow(Math.max(size, this.buf.length * 2));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }
}

/** Runs a COPY … FROM STDIN on the client with this body; resolves once the server has stored it all (one transaction unless the client is in one). */
export async function copyIn(client: pg.ClientBase, statement: string, body: Buffer): Promise<void> {
  const stream = client.query(copyFrom(statement));
  stream.end(body);
  await finished(stream);
}
