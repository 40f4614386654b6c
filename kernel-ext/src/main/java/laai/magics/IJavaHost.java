package laai.magics;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;

/**
 * The host inside IJava, reached by reflection so that this module needs no IJava jar: values go
 * out as basekernel {@code DisplayData} through the kernel's {@code display}, progress as text
 * lines (IJava's display stream has no in-place updates we could rely on).
 */
final class IJavaHost implements Host {

    private static final String DISPLAY_DATA = "io.github.spencerpark.jupyter.kernel.display.DisplayData";
    private static final long PRINT_INTERVAL_NANOS = 2_000_000_000L;

    private final Object kernel;

    IJavaHost(Object kernel) {
        this.kernel = kernel;
    }

    @Override
    public void show(Object value) {
        try {
            ClassLoader loader = kernel.getClass().getClassLoader();
            Class<?> type = Class.forName(DISPLAY_DATA, true, loader);
            Map<String, String> bundle = MimeBundle.of(value);
            Object data = type.getConstructor(String.class).newInstance(bundle.get("text/plain"));
            Method put = type.getMethod("putData", String.class, Object.class);
            for (Map.Entry<String, String> e : bundle.entrySet()) {
                put.invoke(data, e.getKey(), e.getValue());
            }
            kernel.getClass().getMethod("display", type).invoke(kernel, data);
        } catch (ReflectiveOperationException e) {
            // An IJava without this API: text still reaches the notebook.
            System.out.println(value);
        }
    }

    @Override
    public Progress progress(String label, long total) {
        return new Progress() {
            private long lastPrint = System.nanoTime();

            @Override
            public void update(long done, String detail) {
                long now = System.nanoTime();
                if (now - lastPrint >= PRINT_INTERVAL_NANOS) {
                    lastPrint = now;
                    System.out.println(label + " " + done + "/" + total + " " + detail);
                }
            }

            @Override
            public void finish(String detail) {
                System.out.println(label + " " + total + "/" + total + " " + detail);
            }
        };
    }

    @Override
    public Object eval(String expression) throws Exception {
        try {
            return kernel.getClass().getMethod("evalRaw", String.class).invoke(kernel, expression);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : e;
        }
    }
}
