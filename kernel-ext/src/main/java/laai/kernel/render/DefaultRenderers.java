package laai.kernel.render;

import org.dflib.jjava.jupyter.kernel.display.Renderer;

/** The renderers every laai kernel has, on top of jjava's images, URLs and text. */
public final class DefaultRenderers {

    private DefaultRenderers() {
    }

    public static void registerAll(Renderer renderer) {
        TableRenderer.register(renderer);
        ChartRenderer.register(renderer);
    }
}
