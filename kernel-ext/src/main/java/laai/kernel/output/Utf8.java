package laai.kernel.output;

/** Where UTF-8 text may be cut without splitting a character. */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The length of the longest prefix of {@code bytes[0, length)} that does not end inside a
     * character: {@code length} itself unless the last character's bytes are still incomplete.
     * Malformed input counts as complete; the decoder replaces it.
     */
    static int completePrefix(byte[] bytes, int length) {
        // A character has at most 4 bytes, so its lead byte is among the last 4.
        for (int i = length - 1; i >= Math.max(0, length - 4); i--) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                return length; // ASCII ends a character
            }
            if (b >= 0xC0) { // a lead byte: is its character complete?
                int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return length - i >= needed ? length : i;
            }
            // a continuation byte: look further back for its lead
        }
        return length;
    }
}
