package laai.demo;

import laai.cli.Main;
import laai.runtime.Djl;
import picocli.CommandLine.Command;

/**
 * {@code bin/laai train-demo-model | make-opinion-dataset | make-chained-dataset}: the commands
 * that build the demo model and its datasets. They live in their own module so that the engine a
 * notebook loads does not carry a corpus builder and a trainer.
 */
@Command(name = "laai", mixinStandardHelpOptions = true, version = "laai 0.1.0",
        description = "Build the demo model and its datasets.",
        subcommands = {TrainDemoModelCommand.class, ProbeDemoModelCommand.class, TrainDemoModelCommand.MakeOpinionDataset.class,
                TrainDemoModelCommand.MakeChainedDataset.class})
public final class DemoMain {

    public static void main(String[] args) {
        Djl.engine();
        System.exit(Main.run(new DemoMain(), args));
    }
}
