package laai.magics;

import java.util.List;
import java.util.stream.Collectors;

/** Every laai magic, in the order a reproduction uses them. */
final class MagicCommands {

    private MagicCommands() {
    }

    static List<MagicCommand> all() {
        return List.of(new ModelMagic(), new TaskMagic(), new InterveneMagic(), new ComposeMagic(),
                new TransferMagic(), new SweepMagic(), new BaselineMagic(), new DeltaMagic());
    }

    static List<String> names() {
        return all().stream().map(c -> c.syntax().name()).collect(Collectors.toList());
    }
}
