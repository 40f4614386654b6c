package laai.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * One open {@code .safetensors} file: the validated header plus the channel that maps tensor bytes.
 *
 * <p>Layout: 8-byte little-endian header length N, N bytes of JSON, then the data section. Mappings
 * handed out by {@link #map} stay valid after {@link #close()} (a Java mapping does not depend on its
 * channel); they are released when the buffer becomes unreachable. Thread-safe: the header is
 * immutable and {@link FileChannel#map} may be called concurrently.
 */
public final class SafeTensorsFile implements AutoCloseable {

    /** Same bound the reference implementation uses; a larger length means a foreign or corrupt file. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private final Path file;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafeTensorsFile(Path file, FileChannel channel, HeaderParser.Header header) {
        this.file = file;
        this.channel = channel;
        this.tensors = header.tensors();
        this.metadata = header.metadata();
    }

    /** Opens {@code file} and parses and validates its header; tensor data is not read. */
    public static SafeTensorsFile open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException ex) {
            throw new CheckpointException("safetensors file not found: " + file, ex);
        } catch (IOException ex) {
            throw new CheckpointException("cannot open safetensors file " + file + ": " + ex, ex);
        }
        try {
            return new SafeTensorsFile(file, channel, readHeader(file, channel));
        } catch (RuntimeException ex) {
            closeQuietly(channel, ex);
            throw ex;
        }
    }

    private static HeaderParser.Header readHeader(Path file, FileChannel channel) {
        try {
            long size = channel.size();
            if (size < 8) {
                throw CheckpointException.inFile(file,
                        "file is only " + size + " bytes, shorter than the 8-byte header length of a safetensors file");
            }
            ByteBuffer lenBuf = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long headerLen = lenBuf.getLong(0);
            if (headerLen < 2 || headerLen > MAX_HEADER_BYTES) {
                throw CheckpointException.inFile(file, "header length " + Long.toUnsignedString(headerLen)
                        + " is not plausible (expected 2.." + MAX_HEADER_BYTES + "); not a safetensors file?");
            }
            if (8 + headerLen > size) {
                throw CheckpointException.inFile(file, "header length " + headerLen
                        + " runs past the end of the file (" + size + " bytes); truncated file?");
            }
            byte[] header = readFully(channel, 8, (int) headerLen).array();
            long dataStart = 8 + headerLen;
            return new HeaderParser(file, dataStart, size - dataStart).parse(header);
        } catch (IOException ex) {
            throw CheckpointException.inFile(file, "cannot read header: " + ex, ex);
        }
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return buf;
    }

    public Path file() {
        return file;
    }

    /** Tensors in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The optional {@code __metadata__} map; empty when absent. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Maps {@code length} bytes of a tensor starting {@code offset} bytes into it, read-only and
     * little-endian. Callers keep each mapping below 2 GiB (a Java buffer limit).
     */
    MappedByteBuffer map(TensorInfo info, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > info.byteSize() || length > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("bad range [" + offset + ", +" + length + ") for " + info);
        }
        try {
            MappedByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, info.begin() + offset, length);
            buf.order(ByteOrder.LITTLE_ENDIAN);
            return buf;
        } catch (IOException ex) {
            throw CheckpointException.forTensor(file, info.name(), "cannot map bytes: " + ex);
        }
    }

    /**
     * Reads {@code dst.remaining()} bytes of a tensor starting {@code offset} bytes into it, with
     * plain reads: nothing of the file stays mapped into the process afterwards.
     */
    void read(TensorInfo info, long offset, ByteBuffer dst) {
        if (offset < 0 || offset + dst.remaining() > info.byteSize()) {
            throw new IllegalArgumentException("bad range [" + offset + ", +" + dst.remaining() + ") for " + info);
        }
        long position = info.begin() + offset;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position);
                if (n < 0) throw new IOException("unexpected end of file");
                position += n;
            }
        } catch (IOException ex) {
            throw CheckpointException.forTensor(file, info.name(), "cannot read bytes: " + ex);
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ex) {
            throw CheckpointException.inFile(file, "cannot close: " + ex, ex);
        }
    }

    private static void closeQuietly(FileChannel channel, RuntimeException primary) {
        try {
            channel.close();
        } catch (IOException ex) {
            primary.addSuppressed(ex);
        }
    }
}
