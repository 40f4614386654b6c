package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.github.spencerpark.ijava.IJava;
import laai.kernel.MagicUsageException;
import tech.tablesaw.api.Table;

/**
 * The IJava path, against test doubles with IJava's API (IJava itself cannot be installed here):
 * one registration call, magics reachable by name, results displayed as HTML because IJava
 * discards a magic's return value, {expr} evaluated by the kernel.
 */
class IJavaRegistrationTest {

    @Test
    void oneCallRegistersEveryMagicAndResultsAreDisplayed() throws Exception {
        IJava.Kernel kernel = IJava.start(Map.of("TASK", "antonym"));
        List<String> names = Laai.registerWithIJava();
        assertEquals(MagicCommands.names(), names);
        assertEquals(Set.copyOf(names), kernel.getMagics().lineMagics().keySet());

        Object result = kernel.getMagics().applyLineMagic("task", List.of("{TASK}", "--show", "2"));
        assertInstanceOf(Table.class, result);
        assertEquals(1, kernel.displayed.size());
        Map<String, Object> data = kernel.displayed.get(0).data;
        assertTrue(String.valueOf(data.get("text/html")).contains("<caption>antonym: 418 pairs</caption>"), data.toString());
        assertTrue(String.valueOf(data.get("text/plain")).contains("antonym"));

        assertThrows(MagicUsageException.class, () -> kernel.getMagics().applyLineMagic("task", List.of()));
        Object help = kernel.getMagics().applyLineMagic("delta", List.of("--help"));
        assertTrue(String.valueOf(help).startsWith("usage: %delta"));
    }
}
