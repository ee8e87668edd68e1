/**
 * A Python literal, as `ast.literal_eval` reads it (the dicts the Geo-R reference code parses),
 * rewritten as JSON text, so that JSON.parse can read it: for answer-parser.ts.
 */

/** What pythonToJson would change: a quote, a parenthesis, None/True/False. */
export const PYTHON_HINT = /['"()]|\b(?:None|True|False)\b/;

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
export function pythonToJson(s: string): string | null {
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
