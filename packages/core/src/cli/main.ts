/** The `geor` command line: datasets, training (SFT, RL), evaluation, prediction and ablations. */
import { Command, CommanderError } from "commander";
import { userMessage } from "../util/errors.ts";
import { registerAblateCommand } from "./ablate.ts";
import { registerDatasetCommands } from "./dataset.ts";
import { registerTrainCommands } from "./train.ts";

export function buildProgram(): Command {
  const program = new Command("geor")
    .description("Geo-R Lab: Chain-of-Region geolocalization — datasets, training, evaluation")
    .showHelpAfterError()
    .exitOverride()
    // A command's options stop at its subcommand's name, so a subcommand may reuse an option name
    // of its parent (`geor ablate --out` and `geor ablate merge --out`).
    .enablePositionalOptions();
  registerDatasetCommands(program);
  registerTrainCommands(program);
  registerAblateCommand(program);
  return program;
}

/** Runs the CLI; user errors print one clear line (no stack) and exit with code 1. */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exit(err.exitCode);
    process.stderr.write(`geor: ${userMessage(err)}\n`);
    if (process.env.GEOR_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  }
}
