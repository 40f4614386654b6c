package laai.magics;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * Registers the laai magics with a running IJava kernel (SpencerPark/IJava 1.3), entirely by
 * reflection: IJava is not a dependency of this module. In an IJava notebook:
 *
 * <pre>
 * %jars kernel-ext/target/laai-kernel-ext.jar kernel-ext/target/lib/*.jar
 * laai.magics.Laai.registerWithIJava();
 * </pre>
 *
 * <p>It calls {@code IJava.getKernelInstance().getMagics().registerLineMagic(name, fn)} with one
 * {@code LineMagicFunction} proxy per magic. IJava discards a magic's return value, so each proxy
 * displays the result itself (and still returns it, for {@code var t = %intervene ...}).
 */
final class IJavaRegistration {

    static final String IJAVA = "io.github.spencerpark.ijava.IJava";

    private IJavaRegistration() {
    }

    /** Finds the running IJava kernel and registers every magic; returns their names. */
    static List<String> register() {
        Object kernel;
        try {
            Class<?> ijava = Class.forName(IJAVA, true, loader());
            kernel = ijava.getMethod("getKernelInstance").invoke(null);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("IJava is not running here (no " + IJAVA + "); in our kernel and in "
                    + "JJava the magics are installed automatically");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the IJava kernel: " + e, e);
        }
        if (kernel == null) {
            throw new IllegalStateException("IJava.getKernelInstance() returned null: no IJava kernel is running");
        }
        return register(kernel);
    }

    /** Registers every magic on an IJava kernel object (anything with IJava's getMagics API). */
    static List<String> register(Object kernel) {
        try {
            Object magics = kernel.getClass().getMethod("getMagics").invoke(kernel);
            Method registerLine = lineRegistration(magics.getClass());
            Class<?> functionType = registerLine.getParameterTypes()[1];
            Host host = new IJavaHost(kernel);
            for (MagicCommand command : MagicCommands.all()) {
                registerLine.invoke(magics, command.syntax().name(), function(functionType, command, host));
            }
            return MagicCommands.names();
        } catch (InvocationTargetException e) {
            throw new IllegalStateException("IJava refused a magic: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this IJava has no usable magics registry: " + e, e);
        }
    }

    private static Method lineRegistration(Class<?> magicsType) throws NoSuchMethodException {
        for (Method m : magicsType.getMethods()) {
            if (m.getName().equals("registerLineMagic") && m.getParameterCount() == 2
                    && m.getParameterTypes()[0] == String.class && m.getParameterTypes()[1].isInterface()) {
                return m;
            }
        }
        throw new NoSuchMethodException(magicsType.getName() + ".registerLineMagic(String, LineMagicFunction)");
    }

    /** A proxy for IJava's {@code LineMagicFunction<T> { T execute(List<String> args) }}. */
    private static Object function(Class<?> functionType, MagicCommand command, Host host) {
        return Proxy.newProxyInstance(functionType.getClassLoader(), new Class<?>[] {functionType},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "execute": {
                            @SuppressWarnings("unchecked")
                            List<String> magicArgs = (List<String>) args[0];
                            Object result = MagicDispatcher.run(command, magicArgs, host);
                            if (result != null) {
                                host.show(result);
                            }
                            return result;
                        }
                        case "toString":
                            return "laai magic %" + command.syntax().name();
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : IJavaRegistration.class.getClassLoader();
    }
}
