package io.github.spencerpark.ijava;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import io.github.spencerpark.jupyter.kernel.magic.registry.Magics;

/**
 * Test double of IJava's entry point: {@code getKernelInstance()} and, on the kernel, the
 * {@code getMagics()}, {@code display(DisplayData)} and {@code evalRaw(String)} that laai's
 * reflective adapter calls.
 */
public final class IJava {

    private static Kernel kernel;

    private IJava() {
    }

    public static Kernel getKernelInstance() {
        return kernel;
    }

    public static Kernel start(Map<String, Object> variables) {
        kernel = new Kernel(variables);
        return kernel;
    }

    public static final class Kernel {
        private final Magics magics = new Magics();
        private final Map<String, Object> variables;
        public final List<DisplayData> displayed = new ArrayList<>();

        Kernel(Map<String, Object> variables) {
            this.variables = variables;
        }

        public Magics getMagics() {
            return magics;
        }

        public void display(DisplayData data) {
            displayed.add(data);
        }

        public Object evalRaw(String expr) {
            if (!variables.containsKey(expr)) {
                throw new IllegalStateException("cannot find symbol: " + expr);
            }
            return variables.get(expr);
        }
    }
}
