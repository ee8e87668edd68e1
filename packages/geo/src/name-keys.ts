/**
 * Keys of place names: what two spellings of a name must share to count as the same name.
 * Both sides — the names in the data and the names a prediction states — go through the same
 * functions, so a rule here never needs a mirror rule elsewhere.
 *
 * The place-name cache stores keys, and its `rules` field is a hash of this file: editing any
 * rule here rebuilds the cache on the next load.
 */

/** Letters that Unicode decomposition leaves whole. */
const FOLD: Record<string, string> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ß: "ss",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ħ: "h",
};
const FOLD_RE = /[øæœßłđðþıħ]/g;
/** French/Italian elision: d'Ivoire, l'Aquila → "d ivoire", "l aquila". */
const ELISION_RE = /(^|[^\p{L}])([dl])['’‘ʼ]/gu;
const APOSTROPHE_RE = /['’‘`´ʻʼ]/g;
const MARK_RE = /\p{M}+/gu;
const SEPARATOR_RE = /[^\p{L}\p{N}]+/gu;
/** Abbreviations written out, so "St. Gallen" and "Saint Gallen" share a key. */
const ABBREVIATIONS: Record<string, string> = { st: "saint", ste: "sainte", mt: "mount" };
/** Keys that need the token pass: an abbreviation, or two single letters in a row. */
const NEEDS_TOKENS_RE = /\b(st|ste|mt)\b|\b[a-z] [a-z]\b/;

/**
 * The key of a name: lower case, accents and marks removed (é → e, ü → u, ø → o, ß → ss),
 * apostrophes dropped (Hawai'i → hawaii), every other run of punctuation or space one space,
 * runs of single Latin letters joined (U.S.A. → usa, D.C. → dc) and st/ste/mt written out.
 * Scripts without case or accents (日本, Москва) pass unchanged apart from case. "" for a name
 * with no letter or digit.
 * @example nameKey("Île-de-France") // "ile de france"
 */
export function nameKey(name: string): string {
  const folded = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(MARK_RE, "")
    .replace(FOLD_RE, (c) => FOLD[c] ?? c)
    .replace(ELISION_RE, "$1$2 ")
    .replace(APOSTROPHE_RE, "")
    .replace(SEPARATOR_RE, " ")
    .trim();
  if (!NEEDS_TOKENS_RE.test(folded)) return folded;
  const out: string[] = [];
  let letters = false;
  for (const token of folded.split(" ")) {
    const letter = /^[a-z]$/.test(token);
    if (letter && letters) out[out.length - 1] += token;
    else out.push(ABBREVIATIONS[token] ?? token);
    letters = letter;
  }
  return out.join(" ");
}

/**
 * Words that say what kind of unit a name is rather than which one, as keys. Leading ones may be
 * followed by a connector ("Province of", "Departement du", "Estado de", "Canton de").
 */
const LEADING = new Set([
  "province",
  "provincia",
  "provinz",
  "state",
  "estado",
  "etat",
  "prefecture",
  "oblast",
  "region",
  "regione",
  "county",
  "comte",
  "condado",
  "department",
  "departement",
  "departamento",
  "dipartimento",
  "canton",
  "kanton",
  "cantone",
  "district",
  "distrito",
  "governorate",
  "municipality",
  "municipio",
  "territory",
  "city",
  "metropolitan city",
  "autonomous community",
  "autonomous region",
  "autonomous republic",
]);
const TRAILING = new Set([
  ...LEADING,
  "prov",
  "provincie",
  "oblast",
  "krai",
  "kray",
  "okrug",
  "autonomous okrug",
  "rayon",
  "parish",
  "voivodeship",
  "metropolis",
  "special administrative region",
  "sar",
  "ken",
  "to",
  "fu",
  "do",
]);
const CONNECTORS = new Set(["of", "de", "du", "del", "della", "di", "des", "d", "do", "da", "la", "le", "el", "l"]);

/**
 * The key without the designator words around the name: "tokyo to" → "tokyo", "ontario province"
 * → "ontario", "provincia di milano" → "milano", "departement du nord" → "nord",
 * "moskovskaya oblast" → "moskovskaya". null when nothing is stripped or nothing would be left.
 */
export function bareKey(key: string): string | null {
  let tokens = key.split(" ");
  const length = tokens.length;
  for (let changed = true; changed && tokens.length > 1; ) {
    changed = false;
    for (const n of [3, 2, 1]) {
      if (tokens.length > n && LEADING.has(tokens.slice(0, n).join(" "))) {
        let rest = tokens.slice(n);
        if (rest.length > 1 && CONNECTORS.has(rest[0])) rest = rest.slice(1);
        tokens = rest;
        changed = true;
        break;
      }
      if (tokens.length > n && TRAILING.has(tokens.slice(-n).join(" "))) {
        tokens = tokens.slice(0, -n);
        changed = true;
        break;
      }
    }
  }
  return tokens.length < length ? tokens.join(" ") : null;
}

/** A city's key without "city": "new york city" → "new york", "city of london" → "london"; else null. */
export function bareCityKey(key: string): string | null {
  if (key.endsWith(" city") && key.length > 5) return key.slice(0, -5);
  if (key.startsWith("city of ") && key.length > 8) return key.slice(8);
  return null;
}

/**
 * Natural Earth's GNS names put the designator after a comma ("Nord, Departement du",
 * "Ontario, Province d'"): turned round into reading order.
 */
export function unInvert(name: string): string {
  const comma = name.indexOf(", ");
  return comma < 0 ? name : `${name.slice(comma + 2)} ${name.slice(0, comma)}`;
}
