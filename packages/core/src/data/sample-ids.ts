/**
 * A dataset's sample ids and their positions, held outside the JavaScript heap: the ids' UTF-16
 * code units in one typed array and an open-addressing hash table of positions. A Map of a
 * million ids (about 90 MB of heap objects) is traced by every major collection of the API's
 * heap and sets how far that heap grows between them; these arrays are neither (decisions.md,
 * seventeenth pass on external ingest).
 */
import { hash32 } from "../util/random.ts";

export class SampleIds {
  private chars: Uint16Array;
  private used = 0;
  /** Where id i's code units start; id i ends where id i + 1 starts. */
  private readonly starts: Uint32Array;
  /** Position + 1 of the id hashed to each slot (0: empty); a power of two, at most half full. */
  private readonly table: Int32Array;
  private readonly mask: number;
  private count = 0;

  constructor(readonly capacity: number) {
    this.starts = new Uint32Array(capacity + 1);
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.table = new Int32Array(slots);
    this.mask = slots - 1;
    this.chars = new Uint16Array(Math.max(64, capacity * 8));
  }

  /** Adds the id at the next position (0, 1, …): its position. A repeated id then finds the later one. */
  add(id: string): number {
    const i = this.count;
    if (i >= this.capacity) throw new RangeError(`more than ${this.capacity} sample ids`);
    if (this.used + id.length > this.chars.length) {
      const grown = new Uint16Array(Math.max(this.chars.length * 2, this.used + id.length));
      grown.set(this.chars.subarray(0, this.used));
      this.chars = grown;
    }
    for (let k = 0; k < id.length; k++) this.chars[this.used + k] = id.charCodeAt(k);
    this.used += id.length;
    this.starts[i + 1] = this.used;
    this.count++;
    this.table[this.slotOf(id)] = i + 1;
    return i;
  }

  /** Gives back the room reserved for ids not added (once all are). */
  trim(): void {
    if (this.chars.length > this.used) this.chars = this.chars.slice(0, this.used);
  }

  /** The position of `id`, or −1. */
  indexOf(id: string): number {
    return this.table[this.slotOf(id)] - 1;
  }

  /** The id at position i. */
  idAt(i: number): string {
    return String.fromCharCode.apply(
      null,
      this.chars.subarray(this.starts[i], this.starts[i + 1]) as unknown as number[],
    );
  }

  /** The slot holding `id`, or the empty one where it would go. */
  private slotOf(id: string): number {
    let slot = hash32(id) & this.mask;
    for (;;) {
      const at = this.table[slot];
      if (at === 0 || this.equals(at - 1, id)) return slot;
      slot = (slot + 1) & this.mask;
    }
  }

  private equals(i: number, id: string): boolean {
    const start = this.starts[i];
    if (this.starts[i + 1] - start !== id.length) return false;
    for (let k = 0; k < id.length; k++) if (this.chars[start + k] !== id.charCodeAt(k)) return false;
    return true;
  }
}
