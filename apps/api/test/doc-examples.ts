/** The docs' runnable examples: code blocks whose info string ends in "example", run as a user would. */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

export type Example = { lang: string; code: string; section: string };

/** A doc's example blocks in order, each with the `## ` section it is in. */
export function examplesOf(doc: string): Example[] {
  const text = readFileSync(path.join(repo, doc), "utf8");
  const out: Example[] = [];
  let section = "";
  for (const m of text.matchAll(/^## (.+)$|```(\w+) example\n([\s\S]*?)```/gm)) {
    if (m[1] !== undefined) section = m[1];
    else out.push({ lang: m[2] as string, code: m[3] as string, section });
  }
  return out;
}

/** The nth example block of `lang` in `section` of `doc`. */
export function example(doc: string, section: string, lang: string, nth = 0): Example {
  return (
    examplesOf(doc).filter((e) => e.section === section && e.lang === lang)[nth] ??
    assert.fail(`${doc} has no ${nth + 1}. \`\`\`${lang} example block in "## ${section}"`)
  );
}

/**
 * Runs an example written into `dir` (Python finds the modules beside it) from `cwd` (tsx is
 * found from there). Asynchronous: the server runs in this process and must keep answering.
 */
export function runExample({ lang, code }: Example, dir: string, env: NodeJS.ProcessEnv, cwd = dir): Promise<string> {
  const file = path.join(dir, { bash: "example.sh", ts: "example.mts", python: "example.py" }[lang] as string);
  writeFileSync(file, code);
  const [cmd, args] =
    lang === "bash"
      ? ["bash", ["-euo", "pipefail", file]]
      : lang === "ts"
        ? [process.execPath, ["--import", "tsx", file]]
        : ["python3", [file]];
  return new Promise((resolve, reject) => {
    execFile(
      cmd as string,
      args as string[],
      { cwd, env: { ...env, PYTHONDONTWRITEBYTECODE: "1" }, encoding: "utf8", timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${lang} example failed (${err.message}):\n${stdout}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}
