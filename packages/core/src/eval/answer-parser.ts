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
 *     to JSON by a small converter here; else by the `json5` package (unquoted keys, comments).
 *     JSON5 alone reads the single-quoted dicts too, but at about 60 µs each against 1-2 µs for
 *     the conversion, so it is the last resort, on at most 8 kB per scope. The coordinate is `Coordinates` (also `Coordinate`, `Coords`) or
 *     `LOC` as `[lat, lon]`, as a string "48.85, 2.35", or as an object {lat, lon} /
 *     {latitude, longitude} (`lng`, `long` too); else `lat`/`lon` keys on the object itself.
 *     Objects nested up to 4 deep are searched ({"answer": {"Coordinates": …}}).
 *  2. pair: `(lat, lon)` in the text.
 *  3. labelled: `[Lat. x, Long. y]`, also `[Lat: x, Long: y]`, `[Latitude = x, Longitude = y]`.
 *
 * Where it differs from the reference, and why:
 *  - Scope. The reference hands the whole completion to `literal_eval`, so any prose makes it
 *    None. Here the last `<answer>` block is read first (the `findall(...)[-1]` convention of the
 *    reference's other rewards), from its opening tag to `</answer>` or, if cut off, the end of
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
 * that does. Where two keys name the same level the earlier in that list wins. Only strings count; trimmed; "", "unknown", "N/A", "none",
 * "null", "-", "?" and the like (any case) are not stated.
 *
 * Cost: a few µs for a typical answer; on garbage it stays linear (no regex with adjacent
 * quantifiers over the same characters, at most 64 object parses per scope).
 */
import JSON5 from "json5";

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

const COORD_KEYS = ["coordinates", "coordinate", "coords", "loc"];
const LAT_KEYS = ["lat", "latitude"];
const LON_KEYS = ["lon", "lng", "long", "longitude"];
const COUNTRY_KEYS = ["country"];
const ADMIN1_KEYS = ["state", "province", "region", "administrativeregion", "admin1"];
const CITY_KEYS = ["city", "place"];
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

/** The object's own keys normalized ("Administrative_Region" → "administrativeregion"); the first of equal keys wins. */
function normalizedKeys(o: Record<string, unknown>): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const k of Object.keys(o)) {
    const n = k.toLowerCase().replace(KEY_NOISE, "");
    if (!m.has(n)) m.set(n, o[k]);
  }
  return m;
}

function first<T>(m: Map<string, unknown>, keys: string[], read: (v: unknown) => T | null): T | null {
  for (const k of keys) {
    if (!m.has(k)) continue;
    const r = read(m.get(k));
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
  return isObject(v) ? latLonOf(normalizedKeys(v)) : null;
}

function latLonOf(m: Map<string, unknown>): Coordinate | null {
  const lat = first(m, LAT_KEYS, partOf);
  const lon = first(m, LON_KEYS, partOf);
  return lat && lon ? coordinateOf(lat, lon, false) : null;
}

function nameOf(v: unknown): string | null {
  if (typeof v !== "string") return null;
  const s = v.trim();
  return NOT_STATED.has(s.toLowerCase()) ? null : s;
}

function statedOf(m: Map<string, unknown>): StatedNames | null {
  const country = first(m, COUNTRY_KEYS, nameOf);
  const admin1 = first(m, ADMIN1_KEYS, nameOf);
  const city = first(m, CITY_KEYS, nameOf);
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
  const m = normalizedKeys(o);
  const stated = statedOf(m);
  if (firstStated.v === null) firstStated.v = stated;
  const coordinate = first(m, COORD_KEYS, coordinateOfValue) ?? latLonOf(m);
  if (coordinate) return { coordinate, stated };
  if (depth >= MAX_DEPTH) return null;
  for (const v of m.values()) {
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

/** `s[i]` is a quote (' or "): that string as JSON text and the index after it; null if unterminated. */
function requote(s: string, i: number): [string, number] | null {
  const q = s[i];
  let body = '"';
  for (let j = i + 1; j < s.length; j++) {
    const ch = s[j]!;
    if (ch === q) return [`${body}"`, j + 1];
    if (ch === "\\") {
      const e = s[++j];
      if (e === undefined) return null;
      // A backslash before a newline is a line continuation: both go.
      if (e === "\n") continue;
      if (e === "'") body += "'";
      else if (e === '"' || e === "\\" || "bfnrt".includes(e)) body += `\\${e}`;
      else if (e === "x" && /^[0-9a-fA-F]{2}$/.test(s.slice(j + 1, j + 3))) {
        body += `\\u00${s.slice(j + 1, j + 3)}`;
        j += 2;
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(s.slice(j + 1, j + 5))) {
        body += `\\u${s.slice(j + 1, j + 5)}`;
        j += 4;
      } else body += `\\\\${e}`; // Python keeps an unknown escape as written
    } else if (ch === '"') body += '\\"';
    else if (ch.charCodeAt(0) < 0x20) body += `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`;
    else body += ch;
  }
  return null;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

const PY_WORDS: Record<string, string> = { None: "null", True: "true", False: "false" };

/**
 * A Python literal (what `ast.literal_eval` reads) as JSON text: strings in either quote
 * re-quoted with JSON escapes (and a `u` prefix dropped), None/True/False, tuples as arrays,
 * trailing commas dropped. Null when a string is unterminated.
 */
function pythonToJson(s: string): string | null {
  let out = "";
  let comma = -1; // where in `out` a comma stands that only whitespace has followed
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 39 || c === 34) {
      const r = requote(s, i);
      if (r === null) return null;
      out += r[0];
      i = r[1];
      comma = -1;
    } else if (c === 41 || c === 93 || c === 125) {
      if (comma >= 0) out = out.slice(0, comma) + out.slice(comma + 1);
      out += c === 41 ? "]" : s[i];
      i++;
      comma = -1;
    } else if (isWordChar(c) && (c < 48 || c > 57)) {
      let j = i + 1;
      while (j < s.length && isWordChar(s.charCodeAt(j))) j++;
      const word = s.slice(i, j);
      const next = s.charCodeAt(j);
      if (!((word === "u" || word === "U") && (next === 39 || next === 34))) out += PY_WORDS[word] ?? word;
      i = j;
      comma = -1;
    } else {
      if (c === 44) comma = out.length;
      else if (c !== 32 && (c < 9 || c > 13)) comma = -1;
      out += c === 40 ? "[" : s[i];
      i++;
    }
  }
  return out;
}

/** How many characters a scope may hand to the parsers, so garbage full of braces stays cheap. */
interface Budget {
  /** For JSON.parse and the Python-literal conversion (fast). */
  strict: number;
  /** For JSON5 (about 0.6 µs a character), the last resort: unquoted keys, comments, `.5`, `+1`. */
  json5: number;
}

function parseLoose(src: string, budget: Budget): unknown {
  if (src.length > budget.strict) return undefined;
  budget.strict -= src.length;
  try {
    return JSON.parse(src);
  } catch {}
  const py = pythonToJson(src);
  if (py !== null && py !== src) {
    budget.strict -= src.length;
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
  const budget: Budget = { strict: 4 * s.length + 4096, json5: 8192 };
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
