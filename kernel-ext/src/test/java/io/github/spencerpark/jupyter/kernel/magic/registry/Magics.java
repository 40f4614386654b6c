package io.github.spencerpark.jupyter.kernel.magic.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test double of basekernel's magics registry: the two methods laai's IJava adapter touches. */
public class Magics {
    private final Map<String, LineMagicFunction<?>> lineMagics = new HashMap<>();

    public void registerLineMagic(String name, LineMagicFunction<?> magic) {
        lineMagics.put(name, magic);
    }

    public Object applyLineMagic(String name, List<String> args) throws Exception {
        return lineMagics.get(name).execute(args);
    }

    public Map<String, LineMagicFunction<?>> lineMagics() {
        return lineMagics;
    }
}
