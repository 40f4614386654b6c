package laai.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.junit.jupiter.api.Test;

class ValueMagicTranspilerTest {

    private static final Pattern ENCODED = Pattern.compile("decode\\(\"([^\"]*)\"\\), java\\.nio\\.charset\\.StandardCharsets\\.UTF_8\\)");

    private final MagicParser parser = new MagicParser(LaaiKernelBuilder.LINE_MAGIC_START,
            LaaiKernelBuilder.CELL_MAGIC_START, new ValueMagicTranspiler());

    @Test
    void lineMagicStaysAnExpressionSoItsValueIsShown() {
        String java = parser.resolveMagics("%steer a=äö \"two words\"");
        assertTrue(java.startsWith("org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.lineMagic("), java);
        assertFalse(java.contains("{}"), java);
        assertEquals(List.of("steer", "a=äö", "two words"), decoded(java));
    }

    @Test
    void lineMagicAfterAssignment() {
        String java = parser.resolveMagics("int x = 1;\nvar t = %table 3");
        assertTrue(java.startsWith("int x = 1;\nvar t =org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.lineMagic("), java);
        assertTrue(java.endsWith(");"), java);
    }

    @Test
    void percentInsideAStringIsNotAMagic() {
        String source = "String s = \"=%notamagic\";";
        assertEquals(source, parser.resolveMagics(source));
    }

    @Test
    void cellMagicPassesTheBodyVerbatim() {
        String java = parser.resolveMagics("%%compose --n 2\nline \"1\"\nlïne 2");
        assertTrue(java.startsWith("org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.cellMagic("), java);
        assertFalse(java.contains("{}"), java);
        assertEquals(List.of("compose", "--n", "2", "line \"1\"\nlïne 2"), decoded(java));
    }

    private static List<String> decoded(String java) {
        List<String> parts = new ArrayList<>();
        Matcher m = ENCODED.matcher(java);
        while (m.find()) {
            parts.add(new String(Base64.getDecoder().decode(m.group(1)), StandardCharsets.UTF_8));
        }
        return parts;
    }
}
