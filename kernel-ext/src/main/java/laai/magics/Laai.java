package laai.magics;

import java.util.List;

/**
 * Java cells' door to what the magics did:
 *
 * <pre>{@code
 * %model load models/demo
 * Laai.session().model().config().numLayers()
 * %intervene --task antonym --layer 1
 * Laai.session().lastTable()
 * Laai.session().delta("antonym").activeGroups()
 * }</pre>
 */
public final class Laai {

    private static final Session SESSION = new Session(Repository.current());

    private Laai() {
    }

    /** The kernel's one session (one JVM per kernel, so one per notebook). */
    public static Session session() {
        return SESSION;
    }

    /**
     * Registers the magics in a running IJava kernel; returns their names. Not needed in our
     * kernel or in JJava, which install them through {@code META-INF/services}.
     */
    public static List<String> registerWithIJava() {
        return IJavaRegistration.register();
    }
}
