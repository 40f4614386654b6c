package laai.kernel.eval;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps the real objects snippets return, keyed by the string JShell passes back as the value.
 *
 * <p>JShell only transports strings. Statement snippets also produce an entry (JShell then throws
 * its key away), so the owner clears the stash when a top-level cell starts.
 */
final class ResultStash {

    /** ConcurrentHashMap rejects null values; a null result must still be a result. */
    private static final Object NULL = new Object();

    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final AtomicLong keys = new AtomicLong();

    String put(Object value) {
        // Digits only: JShell rewrites parts of value strings that look like its own class names.
        String key = Long.toString(keys.incrementAndGet());
        values.put(key, value == null ? NULL : value);
        return key;
    }

    /** Removes and returns the value stored under {@code key}; null if absent or null. */
    Object take(String key) {
        Object value = key == null ? null : values.remove(key);
        return value == NULL ? null : value;
    }

    void clear() {
        values.clear();
    }
}
