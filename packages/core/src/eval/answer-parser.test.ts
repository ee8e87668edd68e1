import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ParsedAnswer, parseAnswer } from "./answer-parser.ts";

const none = { country: null, admin1: null, city: null };

/** The coordinate and form only. */
function read(text: string): Pick<ParsedAnswer, "coordinate" | "form"> {
  const { coordinate, form } = parseAnswer(text);
  return { coordinate, form };
}

function at(lat: number, lon: number, form: ParsedAnswer["form"]) {
  return { coordinate: { lat, lon }, form };
}

const miss = { coordinate: null, form: null };

describe("the reference's shapes", () => {
  test("think, then an answer block holding the JSON chain", () => {
    const text =
      "<think>The signs are in French and the tower is the Eiffel Tower.</think>\n" +
      '<answer>{"Country": "France", "State": "Île-de-France", "City": "Paris", "Coordinates": [48.8566, 2.3522]}</answer>';
    assert.deepEqual(parseAnswer(text), {
      coordinate: { lat: 48.8566, lon: 2.3522 },
      form: "json",
      stated: { country: "France", admin1: "Île-de-France", city: "Paris" },
    });
  });

  test("```json fences, bare JSON, and the literal_eval dict with single quotes", () => {
    assert.deepEqual(read('```json\n{"Coordinates": [-33.8688, 151.2093]}\n```'), at(-33.8688, 151.2093, "json"));
    assert.deepEqual(read('{"LOC": [35.68, 139.69]}'), at(35.68, 139.69, "json"));
    assert.deepEqual(read("{'LOC': [35.68, 139.69]}"), at(35.68, 139.69, "json"));
  });

  test("a (lat, lon) pair in prose, and the labelled forms", () => {
    assert.deepEqual(read("I think it is (51.5, -0.12)."), at(51.5, -0.12, "pair"));
    assert.deepEqual(read("[Lat. 40.7, Long. -74.0]"), at(40.7, -74, "labelled"));
    assert.deepEqual(read("[Lat: 40.7, Long: -74.0]"), at(40.7, -74, "labelled"));
    assert.deepEqual(read("It is [lat=40.7,long=-74.0]."), at(40.7, -74, "labelled"));
    assert.deepEqual(read("[Latitude: 40.7, Longitude: -74]"), at(40.7, -74, "labelled"));
    assert.deepEqual(read("[Lat. 40.7 Long. -74.0]"), miss, "the comma is part of the form");
  });
});

describe("Python literals (ast.literal_eval's dicts)", () => {
  test("tuples, None/True/False, trailing commas, u-prefixes", () => {
    const r = parseAnswer("{'Country': u'Japan', 'City': None, 'sure': False, 'LOC': (35.68, 139.69,),}");
    assert.deepEqual(r, {
      coordinate: { lat: 35.68, lon: 139.69 },
      form: "json",
      stated: { ...none, country: "Japan" },
    });
  });

  test("quotes and escapes inside strings survive; words inside strings are not rewritten", () => {
    const r = parseAnswer(
      `{'City': 'Xi\\'an', 'State': 'the "Shaanxi" one', 'Country': 'None True', 'LOC': [34.34, 108.94]}`,
    );
    assert.deepEqual(r.stated, { country: "None True", admin1: 'the "Shaanxi" one', city: "Xi'an" });
    assert.deepEqual(r.coordinate, { lat: 34.34, lon: 108.94 });
    const escapes = parseAnswer("{'City': 'Caf\\xe9 \\u00e9 a\\d', 'LOC': (1, 2)}");
    assert.equal(escapes.stated.city, "Café é a\\d", "\\x, \\u, and an unknown escape kept as written");
  });

  test("JSON5 takes what neither JSON nor the Python conversion reads: unquoted keys, comments, .5", () => {
    assert.deepEqual(read("{LOC: [.5, -74], /* guess */ City: 'X'}"), at(0.5, -74, "json"));
  });

  test("an unterminated string or a broken literal is no object", () => {
    assert.deepEqual(read("{'LOC': [35.68, 139.69]"), miss);
    assert.deepEqual(read("{'LOC: [35.68, 139.69]}"), miss);
  });
});

describe("which answer, and which form, wins", () => {
  test("of several <answer> blocks the last is read", () => {
    const text = '<answer>{"LOC": [1, 2]}</answer> on second thought <answer>{"LOC": [3, 4]}</answer>';
    assert.deepEqual(read(text), at(3, 4, "json"));
  });

  test("a last block with nothing readable falls back to the whole text (first readable)", () => {
    const text = '<answer>{"LOC": [1, 2]}</answer><answer>no idea</answer>';
    assert.deepEqual(read(text), at(1, 2, "json"));
  });

  test("a block cut off before </answer> is read to the end of the text", () => {
    assert.deepEqual(read('<think>…</think><answer>{"Coordinates": [10.5, 20.25]}'), at(10.5, 20.25, "json"));
  });

  test("the pair inside <answer> is preferred over one in <think>, even a JSON one", () => {
    assert.deepEqual(read("<think>Maybe (10, 10)?</think><answer>(20, 30)</answer>"), at(20, 30, "pair"));
    assert.deepEqual(read('<think>{"LOC": [10, 10]}</think><answer>(20, 30)</answer>'), at(20, 30, "pair"));
  });

  test("with no coordinate in the answer block, one in <think> is used", () => {
    assert.deepEqual(read("<think>It looks like (45.76, 4.83).</think><answer>Lyon</answer>"), at(45.76, 4.83, "pair"));
  });

  test("a JSON coordinate wins over a pair found elsewhere in the same scope", () => {
    assert.deepEqual(read('Near (51.5, -0.12), so: {"Coordinates": [48.85, 2.35]}'), at(48.85, 2.35, "json"));
    assert.deepEqual(read('{"Coordinates": [48.85, 2.35]} or (51.5, -0.12)'), at(48.85, 2.35, "json"));
    assert.deepEqual(read("[Lat. 1, Long. 2] (3, 4)"), at(3, 4, "pair"), "pair before labelled");
  });

  test("JSON with prose around it and inside the answer", () => {
    const text = '<answer>My answer: {"Coordinates": [48.85, 2.35]} I am fairly sure (see the sign).</answer>';
    assert.deepEqual(read(text), at(48.85, 2.35, "json"));
  });

  test("objects without a readable coordinate are passed over; nested ones are searched", () => {
    assert.deepEqual(read('{"note": "x"} then {"LOC": [5, 6]}'), at(5, 6, "json"));
    assert.deepEqual(read('{"answer": {"location": {"Coordinates": [7, 8]}}}'), at(7, 8, "json"));
    assert.deepEqual(read('{"LOC": [200, 300]} (48.85, 2.35)'), at(48.85, 2.35, "pair"));
    assert.deepEqual(read('{"Coordinates": "unknown", "LOC": [1, 2]}'), at(1, 2, "json"));
  });

  test("an object wrapped in prose braces is still found", () => {
    assert.deepEqual(read('{ my guess: {"LOC": [9, 10]} }'), at(9, 10, "json"));
  });

  test("at most 64 objects are parsed per scope: a JSON answer after 70 junk objects is not read", () => {
    const junk = "{x} ".repeat(70);
    assert.deepEqual(read(`${junk}{"LOC": [1, 2]}`), miss);
    assert.deepEqual(read(`${junk}{"LOC": [1, 2]} (3, 4)`), at(3, 4, "pair"));
    assert.deepEqual(read(`${"{x} ".repeat(60)}{"LOC": [1, 2]}`), at(1, 2, "json"));
  });
});

describe("the coordinate's spellings", () => {
  test("Coordinates as a string, an object, numeric strings; lat/lon on the object itself", () => {
    assert.deepEqual(read('{"Coordinates": "48.85, 2.35"}'), at(48.85, 2.35, "json"));
    assert.deepEqual(read('{"Coordinates": "(48.85; 2.35)"}'), at(48.85, 2.35, "json"));
    assert.deepEqual(read('{"Coordinates": "48.85 2.35"}'), at(48.85, 2.35, "json"));
    assert.deepEqual(read('{"Coordinates": {"lat": 48.85, "lon": 2.35}}'), at(48.85, 2.35, "json"));
    assert.deepEqual(read('{"Coordinates": {"Latitude": 48.85, "Longitude": 2.35}}'), at(48.85, 2.35, "json"));
    assert.deepEqual(read('{"LOC": {"lat": "48.85", "lng": "2.35"}}'), at(48.85, 2.35, "json"));
    assert.deepEqual(read('{"LOC": ["48.85", "2.35"]}'), at(48.85, 2.35, "json"));
    assert.deepEqual(read('{"City": "Paris", "Latitude": 48.85, "Longitude": 2.35}'), at(48.85, 2.35, "json"));
  });

  test("values that are not a lat/lon pair", () => {
    assert.deepEqual(read('{"Coordinates": [48.85, 2.35, 10]}'), miss);
    assert.deepEqual(read('{"Coordinates": [[48.85, 2.35]]}'), miss);
    assert.deepEqual(read('{"Coordinates": "48.85"}'), miss);
    assert.deepEqual(read('{"Coordinates": "48.85, 2.35, 3"}'), miss);
    assert.deepEqual(read('{"Coordinates": [true, 2]}'), miss);
    assert.deepEqual(read('{"Coordinates": {"lat": 48.85}}'), miss);
    assert.deepEqual(read('{"Coordinates": ["48.85.1", "2"]}'), miss);
  });

  test("hemisphere letters and degree signs; S and W negate", () => {
    assert.deepEqual(read("(48.85° N, 2.35° E)"), at(48.85, 2.35, "pair"));
    assert.deepEqual(read("(33.87S, 151.21E)"), at(-33.87, 151.21, "pair"));
    assert.deepEqual(read("(40.7 n, 74 w)"), at(40.7, -74, "pair"));
    assert.deepEqual(read("(48.85°, 2.35°)"), at(48.85, 2.35, "pair"));
    assert.deepEqual(read("[Lat. 33.9 S, Long. 151.2 E]"), at(-33.9, 151.2, "labelled"));
    assert.deepEqual(read('{"LOC": ["33.9 S", "18.4 E"]}'), at(-33.9, 18.4, "json"));
  });

  test("the letters put an unlabelled pair in order; contradictions are unreadable", () => {
    assert.deepEqual(read("(2.35 E, 48.85 N)"), at(48.85, 2.35, "pair"));
    assert.deepEqual(read("(74 W, 40.7)"), at(40.7, -74, "pair"));
    assert.deepEqual(read("(48 E, 2 E)"), miss);
    assert.deepEqual(read("(-33.8 S, 151 E)"), miss);
    assert.deepEqual(read("[Lat. 2 E, Long. 48 N]"), miss, "labels fix the order");
  });

  test("signs: + and the Unicode minus; -0 becomes 0", () => {
    assert.deepEqual(read("(−33.87, +151.21)"), at(-33.87, 151.21, "pair"));
    assert.deepEqual(read("(-0, -0.0)"), at(0, 0, "pair"));
    assert.ok(Object.is(parseAnswer('{"LOC": [-0, 1]}').coordinate?.lat, 0));
  });

  test("out of range or non-finite: unreadable, and the search goes on", () => {
    assert.deepEqual(read("(91, 0)"), miss);
    assert.deepEqual(read("(0, 180.5)"), miss);
    assert.deepEqual(read("(-90, -180)"), at(-90, -180, "pair"));
    assert.deepEqual(read("(2020, 2021) and later (48.85, 2.35)"), at(48.85, 2.35, "pair"));
    assert.deepEqual(read('{"LOC": [1e400, 2]}'), miss);
    assert.deepEqual(read("{LOC: [NaN, 2]}"), miss);
    assert.deepEqual(read("{LOC: [Infinity, 2]}"), miss);
    assert.deepEqual(read("[Lat. 95, Long. 10]"), miss);
  });

  test("not pairs: one number, three numbers, words, a bare list", () => {
    for (const text of ["(see 2)", "(1, 2, 3)", "(a, b)", "(1.2.3, 4)", "( - , . )", "[48.85, 2.35]", "[1, 2, 3]"]) {
      assert.deepEqual(read(text), miss, text);
    }
  });
});

describe("keys and stated names", () => {
  test("keys in any case, with spaces, underscores or hyphens", () => {
    const chain = (o: string) => parseAnswer(`{${o}, "coordinates": [1, 2]}`).stated;
    const bavaria = { country: "Germany", admin1: "Bavaria", city: "Munich" };
    assert.deepEqual(chain('"COUNTRY": "Germany", "administrative region": "Bavaria", "place": "Munich"'), bavaria);
    assert.deepEqual(chain('"country": "Germany", "Administrative_Region": "Bavaria", "CITY": "Munich"'), bavaria);
    assert.deepEqual(chain('"Country": "Germany", "ADMIN1": "Bavaria", "City": "Munich"'), bavaria);
    assert.deepEqual(chain('"Country": "Germany", "Province": "Bavaria", "City": "Munich"'), bavaria);
    assert.deepEqual(
      chain('"Country": "Germany", "admin-region": "x", "Region": "Bavaria", "City": "Munich"'),
      bavaria,
    );
    assert.deepEqual(read('{"Lo_C": [1, 2]}'), at(1, 2, "json"));
  });

  test("several keys for one level: the first of State, Province, Region, Administrative Region, admin1 that is stated", () => {
    const r = parseAnswer('{"admin1": "BY", "Region": "Bavaria", "State": "unknown", "LOC": [1, 2]}');
    assert.equal(r.stated.admin1, "Bavaria");
    assert.equal(parseAnswer('{"City": "Paris", "city": "Lyon", "LOC": [1, 2]}').stated.city, "Paris");
  });

  test("empty, placeholder, null and non-string values are not stated; strings are trimmed", () => {
    const r = parseAnswer(
      '{"Country": " N/A ", "State": "", "City": null, "Place": "Unknown", "Region": 12, "admin1": ["a"], "LOC": [1, 2]}',
    );
    assert.deepEqual(r.stated, none);
    assert.deepEqual(parseAnswer('{"Country": "  Peru ", "City": {"name": "Lima"}}').stated, {
      ...none,
      country: "Peru",
    });
    assert.deepEqual(parseAnswer('{"Country": "none", "State": "?", "City": "-"}').stated, none);
  });

  test("names are read without a coordinate, and from the answer block first", () => {
    assert.deepEqual(parseAnswer('<answer>{"Country": "France", "City": "Paris"}</answer>'), {
      coordinate: null,
      form: null,
      stated: { ...none, country: "France", city: "Paris" },
    });
    const text = '<think>{"City": "Lyon", "LOC": [45.76, 4.83]}</think><answer>{"City": "Paris"}</answer>';
    assert.deepEqual(parseAnswer(text), { ...at(45.76, 4.83, "json"), stated: { ...none, city: "Paris" } });
  });

  test("a pair's names come from the first object that states any", () => {
    const r = parseAnswer('{"Country": "UK"} {"City": "London"} (51.5, -0.12)');
    assert.deepEqual(r, { ...at(51.5, -0.12, "pair"), stated: { ...none, country: "UK" } });
  });

  test("the object that gave the coordinate names the place, else the first that names one", () => {
    const a = parseAnswer('{"City": "Lyon"} {"City": "Paris", "LOC": [48.85, 2.35]}');
    assert.equal(a.stated.city, "Paris");
    const b = parseAnswer('{"City": "Lyon"} {"LOC": [48.85, 2.35]}');
    assert.equal(b.stated.city, "Lyon");
  });
});

describe("garbage", () => {
  test("nothing readable", () => {
    for (const text of [
      "",
      " ",
      "no idea",
      "{",
      "}",
      "}{",
      "{}",
      "[",
      "<answer></answer>",
      "<answer>",
      "null",
      "[10, 20, 30, 40]",
    ]) {
      assert.deepEqual(parseAnswer(text), { coordinate: null, form: null, stated: none }, JSON.stringify(text));
    }
  });

  test("a non-string (from untyped callers) is nothing readable", () => {
    for (const v of [null, undefined, 42, { LOC: [1, 2] }]) {
      assert.deepEqual(parseAnswer(v as unknown as string), { coordinate: null, form: null, stated: none });
    }
  });

  test("100 kB inputs built to make a backtracking parser crawl finish, and read nothing", () => {
    const n = 100_000;
    const inputs = [
      `(1${" ".repeat(n)}x`,
      "(1   ".repeat(n / 5),
      `[lat${" ".repeat(n)}x`,
      "[Lat.  ".repeat(n / 7),
      "{".repeat(n),
      "{".repeat(n / 2) + "}".repeat(n / 2),
      "{}".repeat(n / 2),
      `${'{"a":'.repeat(n / 5)}1x${"}".repeat(n / 5)}`,
      `(${"1".repeat(n)}`,
      `<answer>${"(".repeat(n)}`,
      `{'${"a".repeat(n)}}`,
      `{${"None (".repeat(n / 6)}}`,
      `{"Coordinates": "1${" ".repeat(n)}x"}`,
      Array.from({ length: n }, (_, i) => "{}[]()<>,.:;'\"0123456789-+ NSEW°latlong\n"[(i * 7919) % 42]).join(""),
    ];
    for (const text of inputs) assert.deepEqual(read(text), miss, text.slice(0, 20));
  });

  test("a long answer still gives its coordinate", () => {
    const think = `<think>${"The road signs are blue; ".repeat(4000)}</think>`;
    assert.deepEqual(read(`${think}<answer>{"LOC": [1, 2]}</answer>`), at(1, 2, "json"));
    assert.deepEqual(read(`${"{}".repeat(50_000)}<answer>(3, 4)</answer>`), at(3, 4, "pair"));
    assert.deepEqual(read(`${"words ".repeat(20_000)}(5, 6)`), at(5, 6, "pair"));
  });
});
