/**
 * Reads a model's raw text answer into the coordinate it gives and the place names it states,
 * for predictions uploaded as text and scored on the server. Pure string work: no TensorFlow.
 *
 * The forms are those of the Geo-R reference code, aialt/geo-r at 160ecef,
 * src/open-r1-multimodal/src/open_r1/vlm_modules/qwen_module.py: `extract_loc_from_string`
 * (`ast.literal_eval` of a Python dict, key `LOC`) and `extract_coordinates_from_json_block`
 * (```json fences stripped, `json.loads`, `Coordinates` or `LOC` as a 2-list; else the first
 * `(lat, lon)` pair; else `[Lat. x, Long. y]`, case-insensitive). In the order tried:
 *
 *  1. json: a `{…}` object anywhere in the text, parsed as JSON; else as a Python literal (the
 *     `literal_eval` dicts: single quotes, None/True/False, tuples, trailing commas), rewritten
 *     to JSON by a small converter (python-literal.ts); else by the `json5` package (unquoted
 *     keys, comments). JSON5 alone reads the single-quoted dicts too, but took about 60 µs a
 *     dict here against about 4 µs for the whole parse through the conversion, so it is the
 *     last resort, on at most 8 kB per scope. The coordinate is `Coordinates` (also
 *     `Coordinate`, `Coords`) or `LOC` as `[lat, lon]`, as a string "48.85, 2.35", or as an object {lat, lon} /
 *     {latitude, longitude} (`lng`, `long` too); else `lat`/`lon` keys on the object itself.
 *     Objects nested up to 4 deep are searched ({"answer": {"Coordinates": …}}).
 *  2. pair: `(lat, lon)` in the text.
 *  3. labelled: `[Lat. x, Long. y]`, also `[Lat: x, Long: y]`, `[Latitude = x, Longitude = y]`.
 *
 * Where it differs from the reference, and why:
 *  - Scope. The reference hands the whole completion to `literal_eval`, so any prose makes it
 *    None. Here the last `<answer>` block is read first (the `findall(...)[-1]` convention of the
 *    reference's iou_reward), from its opening tag to `</answer>` or, if cut off, the end of
 *    the text; only when it gives no coordinate is the whole text read, so a `<think>` aside
 *    never outranks the answer. Within a scope json beats pair beats labelled, whatever their
 *    positions; within a form the first readable one wins.
 *  - Objects are found as balanced braces, not by parsing the whole text, so fences, tags and
 *    prose before or after don't matter. Brace matching ignores quotes (an apostrophe in prose
 *    must not hide an object), so a `}` inside a string value loses that object.
 *  - Keys are matched ignoring case, spaces, `_`, `-` and `.` ("administrative region",
 *    "Administrative_Region", "ADMIN1"). A key whose value is unreadable does not stop the search.
 *  - Numbers: the reference's `[-\d.]+` takes "-" or "1.2.3", which `float()` then throws on. Here
 *    a number is `[-+]?digits[.digits]` (or `.digits`; U+2212 minus too), optionally followed by a
 *    degree sign and a hemisphere letter: "48.85° N", "33.9S". S and W negate; a letter on a
 *    negative number, N/S on the longitude or E/W on the latitude is unreadable; in unlabelled
 *    forms an E/W first or N/S second swaps the two ("(2.35 E, 48.85 N)"). No exponents in text,
 *    no degrees-minutes-seconds.
 *  - Range: |lat| ≤ 90 and |lon| ≤ 180, finite, or the candidate is unreadable and the search
 *    goes on (the next pair, the next form). Nothing is wrapped or swapped to make it fit, so
 *    "(2020, 2021)" is skipped and "(see 2)" or "(1, 2, 3)" never match.
 *  - The reference's `extract_loc_from_list` (a bare `[a, b]`) is unused there and not read here:
 *    it would read "[1, 2]" from any list.
 *
 * Stated names (Country; State, Province, Region, Administrative Region, admin1; City, Place)
 * come from JSON objects only: the answer block's when it states any, else the whole text's;
 * within a scope, the object that gave the coordinate if it states any, else the first object
 * that does. Where two keys name the same level the earlier in that list wins. Only strings
 * count, trimmed; "", "unknown", "N/A", "none", "null", "-", "?" and the like (any case) are not
 * stated.
 *
 * Cost: about 2.6 µs of CPU time an answer for the mix in bench/answers.bench.ts (2 cores,
 * Node 20). On garbage it stays linear: no regex lets two quantifiers share a run of characters, at most 64 `{…}` spans are
 * parsed per scope, and the parsers get a character budget per scope (so the 65th object, or an
 * object past the budget, is not read). A failed JSON.parse is avoided where a glance shows it
 * would fail, as it costs some 20 µs.
 */
import JSON5 from "json5";
import { PYTHON_HINT, pythonToJson } from "./python-literal.ts";

export interface StatedNames {
  country: string | null;
  admin1: string | null;
  city: string | null;
}

export interface ParsedAnswer {
  /** The coordinate the answer gives; null when none is readable. */
  coordinate: { lat: number; lon: number } | null;
  /** Which form gave the coordinate. */
  form: "json" | "pair" | "labelled" | null;
  /** The place names the answer states (JSON keys, case-insensitive); null where not stated. */
  stated: StatedNames;
}

type Coordinate = { lat: number; lon: number };
type Form = "json" | "pair" | "labelled";
/** A number read from text or JSON: its value, its hemisphere letter ("" if none) and whether it was written negative. */
type Part = { value: number; hemi: string; negative: boolean };

/** At most this many `{…}` spans are parsed per scope (with a character budget, see Budget). */
const MAX_PARSES = 64;
/** How deep nested objects are searched for a coordinate. */
const MAX_DEPTH = 4;

/** The keys read, normalized (see slotOf), each list in order of preference. */
const KEYS = {
  coord: ["coordinates", "coordinate", "coords", "loc"],
  lat: ["lat", "latitude"],
  lon: ["lon", "lng", "long", "longitude"],
  country: ["country"],
  admin1: ["state", "province", "region", "administrativeregion", "admin1"],
  city: ["city", "place"],
};
/** Each key read has a slot in the array slotValues returns. */
const SLOTS = new Map(
  Object.values(KEYS)
    .flat()
    .map((k, i) => [k, i]),
);
const slotsFor = (keys: string[]) => keys.map((k) => SLOTS.get(k)!);
const COORD = slotsFor(KEYS.coord);
const LAT = slotsFor(KEYS.lat);
const LON = slotsFor(KEYS.lon);
const COUNTRY = slotsFor(KEYS.country);
const ADMIN1 = slotsFor(KEYS.admin1);
const CITY = slotsFor(KEYS.city);
/** Raw key → slot (-1: not read). Model answers reuse a handful of keys; short ones are kept. */
const slotCache = new Map<string, number>();
const NOT_STATED = new Set([
  "",
  "unknown",
  "n/a",
  "na",
  "none",
  "null",
  "nil",
  "undefined",
  "unspecified",
  "not applicable",
  "not available",
  "not sure",
  "-",
  "--",
  "?",
]);
const NOT_STATED_MAX = Math.max(...[...NOT_STATED].map((w) => w.length));

// A number (ASCII or U+2212 sign), then optionally a degree sign and a hemisphere letter. Each
// optional part starts with its own mandatory character after `\s*`, so no two quantifiers can
// share a run of spaces and a failed match backtracks linearly.
const NUM = String.raw`([-+\u2212]?(?:\d+(?:\.\d*)?|\.\d+))(?:\s*°)?(?:\s*([NSEWnsew]))?`;
const PAIR = new RegExp(String.raw`\(\s*${NUM}\s*,\s*${NUM}\s*\)`, "g");
const LABELLED = new RegExp(
  String.raw`\[\s*lat(?:itude)?\.?\s*(?:[:=]\s*)?${NUM}\s*,\s*lon(?:g(?:itude)?)?\.?\s*(?:[:=]\s*)?${NUM}\s*\]`,
  "gi",
);
/** A whole (trimmed) string holding one number, or two: "48.85, 2.35", "(48.85 N; 2.35 E)", "[1 2]". */
const ONE_NUMBER = new RegExp(`^${NUM}$`);
const TWO_NUMBERS = new RegExp(String.raw`^[[(]?\s*${NUM}(?:\s*[,;]\s*|\s+)${NUM}\s*[\])]?$`);
const KEY_NOISE = /[\s_.-]+/g;

function noneStated(): StatedNames {
  return { country: null, admin1: null, city: null };
}

function part(digits: string, hemi: string | undefined): Part {
  const negative = digits.charCodeAt(0) === 45 || digits.charCodeAt(0) === 0x2212;
  const value = Number(negative && digits.charCodeAt(0) === 0x2212 ? `-${digits.slice(1)}` : digits);
  return { value, hemi: hemi ? hemi.toUpperCase() : "", negative };
}

/** The signed value of a part on an axis whose letters are `allowed` ("NS" or "EW"); null if contradictory. */
function axis(p: Part, allowed: string): number | null {
  if (p.hemi === "") return p.value;
  if (!allowed.includes(p.hemi) || p.negative) return null;
  return p.hemi === "S" || p.hemi === "W" ? -p.value : p.value;
}

/** lat/lon from two parts, checked for range; `maySwap` when the order is not given by labels. */
function coordinateOf(a: Part, b: Part, maySwap: boolean): Coordinate | null {
  if (maySwap && (a.hemi === "E" || a.hemi === "W" || b.hemi === "N" || b.hemi === "S")) [a, b] = [b, a];
  const lat = axis(a, "NS");
  const lon = axis(b, "EW");
  if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat: lat + 0, lon: lon + 0 }; // + 0 turns -0 into 0
}

function partOf(v: unknown): Part | null {
  if (typeof v === "number") return { value: v, hemi: "", negative: v < 0 };
  if (typeof v !== "string") return null;
  const m = ONE_NUMBER.exec(v.trim());
  return m ? part(m[1]!, m[2]) : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A key's slot, matched ignoring case and spaces/_/-/. ("Administrative_Region" → "administrativeregion"). */
function slotOf(key: string): number {
  const cached = slotCache.get(key);
  if (cached !== undefined) return cached;
  const slot = SLOTS.get(key.toLowerCase().replace(KEY_NOISE, "")) ?? -1;
  if (key.length <= 40 && slotCache.size < 4096) slotCache.set(key, slot);
  return slot;
}

/** The values of an object's keys that are read, by slot; of keys equal once normalized the first wins. */
function slotValues(o: Record<string, unknown>): unknown[] {
  const values: unknown[] = new Array(SLOTS.size);
  for (const k of Object.keys(o)) {
    const slot = slotOf(k);
    if (slot >= 0 && values[slot] === undefined) values[slot] = o[k];
  }
  return values;
}

/** The first of `slots` (in order) whose value `read` accepts. */
function first<T>(values: unknown[], slots: number[], read: (v: unknown) => T | null): T | null {
  for (const slot of slots) {
    const v = values[slot];
    if (v === undefined) continue;
    const r = read(v);
    if (r !== null) return r;
  }
  return null;
}

/** A `Coordinates`/`LOC` value: [lat, lon], "lat, lon", or {lat, lon}. */
function coordinateOfValue(v: unknown): Coordinate | null {
  if (Array.isArray(v)) {
    if (v.length !== 2) return null;
    const a = partOf(v[0]);
    const b = partOf(v[1]);
    return a && b ? coordinateOf(a, b, true) : null;
  }
  if (typeof v === "string") {
    const m = TWO_NUMBERS.exec(v.trim());
    return m ? coordinateOf(part(m[1]!, m[2]), part(m[3]!, m[4]), true) : null;
  }
  return isObject(v) ? latLonOf(slotValues(v)) : null;
}

function latLonOf(values: unknown[]): Coordinate | null {
  const lat = first(values, LAT, partOf);
  const lon = first(values, LON, partOf);
  return lat && lon ? coordinateOf(lat, lon, false) : null;
}

function nameOf(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const s = v.trim();
  return s.length <= NOT_STATED_MAX && NOT_STATED.has(s.toLowerCase()) ? null : s;
}

function statedOf(values: unknown[]): StatedNames | null {
  const country = first(values, COUNTRY, nameOf);
  const admin1 = first(values, ADMIN1, nameOf);
  const city = first(values, CITY, nameOf);
  return country === null && admin1 === null && city === null ? null : { country, admin1, city };
}

/** What one scope (the answer block, or the whole text) gives. */
interface ScopeResult {
  coordinate: Coordinate | null;
  form: Form | null;
  stated: StatedNames | null;
}

/**
 * Depth-first through an object and the objects it holds: the first with a readable coordinate,
 * with the names it states. `firstStated.v` collects the first names seen anywhere.
 */
function searchObject(
  o: Record<string, unknown>,
  depth: number,
  firstStated: { v: StatedNames | null },
): { coordinate: Coordinate; stated: StatedNames | null } | null {
  const values = slotValues(o);
  const stated = statedOf(values);
  if (firstStated.v === null) firstStated.v = stated;
  const coordinate = first(values, COORD, coordinateOfValue) ?? latLonOf(values);
  if (coordinate) return { coordinate, stated };
  if (depth >= MAX_DEPTH) return null;
  for (const v of Object.values(o)) {
    if (!isObject(v)) continue;
    const found = searchObject(v, depth + 1, firstStated);
    if (found) return found;
  }
  return null;
}

/**
 * Balanced `{…}` spans in reading order of their `{`, outermost first: `opens[k]` and `closes[k]`
 * (-1 when that `{` is never closed). Quotes are not tracked.
 */
function braceSpans(s: string): { opens: number[]; closes: number[] } {
  const opens: number[] = [];
  const closes: number[] = [];
  const stack: number[] = [];
  for (let i = s.indexOf("{"); i >= 0 && i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 123) {
      stack.push(opens.length);
      opens.push(i);
      closes.push(-1);
    } else if (c === 125 && stack.length > 0) closes[stack.pop()!] = i;
  }
  return { opens, closes };
}

/** How many characters a scope may hand to the parsers, so garbage full of braces stays cheap. */
interface Budget {
  /** For JSON.parse and the Python-literal conversion (fast). */
  strict: number;
  /** For JSON5 (about 0.7 µs a character here), the last resort: unquoted keys, comments, `.5`, `+1`. */
  json5: number;
}

/**
 * Whether `{…}` can be a JSON object: `{`, whitespace, then `"` or `}`. A failed JSON.parse costs
 * some 20 µs (the error it builds), more than the whole parse of an answer, so the Python dicts
 * skip it.
 */
function mayBeJson(src: string): boolean {
  let i = 1;
  while (i < src.length && (src.charCodeAt(i) === 32 || (src.charCodeAt(i) >= 9 && src.charCodeAt(i) <= 13))) i++;
  return src.charCodeAt(i) === 34 || src.charCodeAt(i) === 125;
}

/**
 * JSON, else the Python-literal conversion, else JSON5. JSON.parse and the conversion (with its
 * parse) each charge the span's length to `budget.strict`, JSON5 to `budget.json5`; a stage the
 * budget cannot pay is skipped.
 */
function parseLoose(src: string, budget: Budget): unknown {
  if (src.length > budget.strict) return undefined;
  budget.strict -= src.length;
  if (mayBeJson(src)) {
    try {
      return JSON.parse(src);
    } catch {}
  }
  let py: string | null = null;
  if (src.length <= budget.strict && PYTHON_HINT.test(src)) {
    budget.strict -= src.length;
    py = pythonToJson(src);
  }
  if (py !== null && py !== src && mayBeJson(py)) {
    try {
      return JSON.parse(py);
    } catch {}
  }
  const text = py ?? src;
  if (text.length > budget.json5) return undefined;
  budget.json5 -= text.length;
  try {
    return JSON5.parse(text);
  } catch {
    return undefined;
  }
}

function firstMatch(re: RegExp, s: string): Coordinate | null {
  re.lastIndex = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    const c = coordinateOf(part(m[1]!, m[2]), part(m[3]!, m[4]), re === PAIR);
    if (c) {
      re.lastIndex = 0;
      return c;
    }
  }
  return null;
}

function readScope(s: string): ScopeResult {
  const firstStated = { v: null as StatedNames | null };
  let parses = 0;
  let readUntil = -1;
  const budget: Budget = { strict: 2 * s.length + 4096, json5: 8192 };
  if (s.includes("{")) {
    const { opens, closes } = braceSpans(s);
    for (let k = 0; k < opens.length; k++) {
      const open = opens[k]!;
      const close = closes[k]!;
      if (close < 0 || open < readUntil) continue; // unclosed, or inside an object already searched
      if (++parses > MAX_PARSES) break;
      const value = parseLoose(s.slice(open, close + 1), budget);
      if (!isObject(value)) continue;
      readUntil = close;
      const found = searchObject(value, 0, firstStated);
      if (found) return { coordinate: found.coordinate, form: "json", stated: found.stated ?? firstStated.v };
    }
  }
  const pair = s.includes("(") ? firstMatch(PAIR, s) : null;
  if (pair) return { coordinate: pair, form: "pair", stated: firstStated.v };
  const labelled = s.includes("[") ? firstMatch(LABELLED, s) : null;
  if (labelled) return { coordinate: labelled, form: "labelled", stated: firstStated.v };
  return { coordinate: null, form: null, stated: firstStated.v };
}

/** The last `<answer>` block's content, to `</answer>` or the end of the text; null if there is none. */
function lastAnswerBlock(text: string): string | null {
  const open = text.lastIndexOf("<answer>");
  if (open < 0) return null;
  const start = open + "<answer>".length;
  const end = text.indexOf("</answer>", start);
  return text.slice(start, end < 0 ? text.length : end);
}

/** Reads a raw model answer: the coordinate it gives (null when none is readable), which form gave it, and the names it states. */
export function parseAnswer(text: string): ParsedAnswer {
  if (typeof text !== "string" || text.length === 0) return { coordinate: null, form: null, stated: noneStated() };
  const block = lastAnswerBlock(text);
  const inBlock = block === null ? null : readScope(block);
  const result = inBlock?.coordinate ? inBlock : readScope(text);
  return {
    coordinate: result.coordinate,
    form: result.form,
    stated: inBlock?.stated ?? result.stated ?? noneStated(),
  };
}
