package laai.magics;

import org.dflib.jjava.jupyter.kernel.BaseKernel;

import laai.kernel.LiveDisplay;
import laai.kernel.ProgressBar;

/** The host in our kernel and in a user's JJava: jjava's display messages and a live progress bar. */
final class JJavaHost implements Host {

    private final BaseKernel kernel;

    JJavaHost(BaseKernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public void show(Object value) {
        // Through LiveDisplay, which sends safely from a cell that is being interrupted.
        LiveDisplay.showRendered(value);
    }

    @Override
    public Progress progress(String label, long total) {
        ProgressBar bar = ProgressBar.show(label, total);
        return new Progress() {
            @Override
            public void update(long done, String detail) {
                bar.set(done, detail);
            }

            @Override
            public void note(long done, String detail) {
                bar.announce(done, detail);
            }

            @Override
            public void finish(String detail) {
                bar.finish(detail);
            }
        };
    }

    @Override
    public Object eval(String expression) {
        return kernel.evalRaw(expression);
    }
}
