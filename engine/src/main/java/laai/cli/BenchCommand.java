package laai.cli;

import picocli.CommandLine.Command;

/** Benchmarks; each prints ratios measured within one run. */
@Command(name = "bench", description = "Benchmarks (load, ...).", subcommands = {BenchLoadCommand.class, BenchInterveneCommand.class, BenchScaleCommand.class})
final class BenchCommand {
}
