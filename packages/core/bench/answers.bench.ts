/**
 * Answer parser benchmark: parseAnswer's answers/s on a seeded mix of the forms uploads bring
 * (mostly the Geo-R `<think>…</think><answer>{json}</answer>` shape, a reasoning of 300-1,500
 * characters before it), each kind alone, and the time for 100 kB garbage. The upload path needs
 * ≥ 30,000 rows/s including scoring and database writes, so the parser should take a small part
 * of 33 µs a row. Writes bench/results/answers.json at the repo root.
 * Usage: npm run bench:answers -w @geor/core [-- --quick]
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAnswer } from "../src/eval/answer-parser.ts";
import { mulberry32 } from "../src/util/random.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const rand = mulberry32(27);
const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
const deg = (max: number) => ((rand() * 2 - 1) * max).toFixed(4);
/** "48.8566° N" style: the size and a hemisphere letter. */
const hemi = (max: number, pos: string, neg: string) => {
  const v = (rand() * 2 - 1) * max;
  return `${Math.abs(v).toFixed(4)}° ${v < 0 ? neg : pos}`;
};

const PLACES = [
  ["France", "Île-de-France", "Paris"],
  ["Japan", "Tokyo", "Shibuya"],
  ["United States", "New York", "New York City"],
  ["Brazil", "São Paulo", "Campinas"],
  ["Kenya", "Nairobi County", "Nairobi"],
  ["Australia", "New South Wales", "Sydney"],
];
const WORDS =
  "the road signs are blue with white lettering and the cars drive on the right side vegetation looks temperate architecture suggests a european town".split(
    " ",
  );
const reasoning = () => Array.from({ length: 50 + Math.floor(rand() * 200) }, () => pick(WORDS)).join(" ");

/** Answer makers, with their share of the mix. */
const KINDS: Record<string, [number, () => string]> = {
  thinkAnswerJson: [
    0.55,
    () => {
      const [c, s, t] = pick(PLACES);
      return `<think>${reasoning()}</think>\n<answer>{"Country": "${c}", "State": "${s}", "City": "${t}", "Coordinates": [${deg(90)}, ${deg(180)}]}</answer>`;
    },
  ],
  fencedJson: [
    0.1,
    () =>
      `<think>${reasoning()}</think><answer>\`\`\`json\n{"country": "${pick(PLACES)[0]}", "coordinates": [${deg(90)}, ${deg(180)}]}\n\`\`\`</answer>`,
  ],
  pythonDict: [
    0.1,
    () => {
      const [c, s] = pick(PLACES);
      return `{'Country': '${c}', 'Province': '${s}', 'LOC': [${deg(90)}, ${deg(180)}]}`;
    },
  ],
  jsonWithProse: [0.05, () => `Here is my guess: {"LOC": [${deg(90)}, ${deg(180)}]} based on the vegetation.`],
  pair: [0.08, () => `${reasoning()}. I think it is (${deg(90)}, ${deg(180)}).`],
  labelled: [0.05, () => `${reasoning()}. [Lat. ${deg(90)}, Long. ${deg(180)}]`],
  unreadable: [0.04, () => `<think>${reasoning()}</think><answer>I cannot tell where this is.</answer>`],
  coordinateString: [
    0.03,
    () => `{"City": "${pick(PLACES)[2]}", "Coordinates": "${hemi(90, "N", "S")}, ${hemi(180, "E", "W")}"}`,
  ],
};

function makeMix(n: number): string[] {
  const out: string[] = [];
  const entries = Object.values(KINDS);
  for (let i = 0; i < n; i++) {
    const u = rand();
    let below = 0;
    const kind =
      entries.find(([share]) => {
        below += share;
        return u < below;
      }) ?? entries[0]!;
    out.push(kind[1]());
  }
  return out;
}

/**
 * Best of `rounds` passes over `texts`: answers per second of wall time and of this process's
 * CPU time (which other load on the machine disturbs less), and how many gave a coordinate.
 */
function measure(texts: string[], rounds: number) {
  let wall = Number.POSITIVE_INFINITY;
  let cpu = Number.POSITIVE_INFINITY;
  let parsed = 0;
  for (let r = 0; r < rounds; r++) {
    parsed = 0;
    const t = performance.now();
    const c = process.cpuUsage();
    for (const text of texts) if (parseAnswer(text).coordinate) parsed++;
    const used = process.cpuUsage(c);
    wall = Math.min(wall, performance.now() - t);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  return {
    answersPerSecond: Math.round(texts.length / (wall / 1000)),
    usPerAnswer: Number(((wall * 1000) / texts.length).toFixed(2)),
    cpuAnswersPerSecond: Math.round(texts.length / (cpu / 1000)),
    cpuUsPerAnswer: Number(((cpu * 1000) / texts.length).toFixed(2)),
    parsed,
  };
}

const n = quick ? 20_000 : 200_000;
const rounds = quick ? 2 : 4;
measure(makeMix(5_000), 2); // warm-up
const mix = makeMix(n);
const mixChars = mix.reduce((s, t) => s + t.length, 0);
const byKind = Object.fromEntries(
  Object.entries(KINDS).map(([name, [, make]]) => [
    name,
    measure(
      Array.from({ length: n / 10 }, () => make()),
      rounds,
    ),
  ]),
);

const garbage = {
  nestedBraces: "{".repeat(50_000) + "}".repeat(50_000),
  nestedJson: `${'{"a":'.repeat(20_000)}1x${"}".repeat(20_000)}`,
  parenSpaces: `(1${" ".repeat(100_000)}x`,
  unclosedQuote: `{'${"a".repeat(100_000)}}`,
};
const garbageMs = Object.fromEntries(
  Object.entries(garbage).map(([name, text]) => {
    parseAnswer(text);
    const t = performance.now();
    for (let i = 0; i < 5; i++) parseAnswer(text);
    return [name, Number(((performance.now() - t) / 5).toFixed(2))];
  }),
);

const result = {
  benchmark: "answers",
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, node: process.version, loadAverage1m: Number(os.loadavg()[0]!.toFixed(2)) },
  mix: { answers: n, meanChars: Math.round(mixChars / n), rounds, ...measure(mix, rounds) },
  byKind,
  garbage100kBMs: garbageMs,
  targets: { uploadRowsPerSecond: 30_000 },
};
const outDir = path.resolve(here, "../../../bench/results");
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, "answers.json"), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
