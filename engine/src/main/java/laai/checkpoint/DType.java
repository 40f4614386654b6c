package laai.checkpoint;

import java.util.Optional;

/**
 * Element types of the safetensors format. The constant names are the exact dtype strings of the
 * header, so {@link #name()} is what gets written back.
 */
public enum DType {
    F64(8, true),
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F8_E4M3(1, true),
    F8_E5M2(1, true),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false);

    private final int bytes;
    private final boolean floating;

    DType(int bytes, boolean floating) {
        this.bytes = bytes;
        this.floating = floating;
    }

    /** Bytes per element on disk. */
    public int bytes() {
        return bytes;
    }

    /** True for the dtypes {@link Checkpoint#load} and {@link Checkpoint#readFloats} accept. */
    public boolean isFloat() {
        return floating;
    }

    /** The dtype for a header string, or empty when the string is not a safetensors dtype we know. */
    public static Optional<DType> lookup(String name) {
        for (DType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Like {@link #lookup} but fails with a message listing the dtypes that are understood. */
    public static DType parse(String name) {
        return lookup(name)
                .orElseThrow(() -> new CheckpointException("unknown safetensors dtype '" + name + "' (known: " + known() + ")"));
    }

    static String known() {
        StringBuilder sb = new StringBuilder();
        for (DType t : values()) {
            sb.append(sb.length() == 0 ? "" : ", ").append(t.name());
        }
        return sb.toString();
    }
}
