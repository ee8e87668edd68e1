/**
 * Progress bars for long CLI work (cli-progress). On a non-TTY stderr (CI, logs) a bar prints
 * a plain line every few seconds instead of redrawing.
 */
import cliProgress from "cli-progress";

export interface ProgressBar {
  update(done: number, total?: number, label?: string): void;
  stop(): void;
}

export function progressBar(title: string): ProgressBar {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update(done, total, label) {
        const now = Date.now();
        if (now - last < 2000 && done !== total) return;
        last = now;
        process.stderr.write(`${title}${label ? ` [${label}]` : ""}: ${done}${total ? `/${total}` : ""}\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${title} {bar} {percentage}% | {value}/{total} | {label} | ETA {eta_formatted}`,
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = "") {
      if (!started) {
        bar.start(total ?? 1, done, { label });
        started = true;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
