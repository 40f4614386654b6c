package laai.kernel.output;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Collects what a cell prints on stdout and stderr, in order, and sends it in few large messages
 * from one thread of its own, as Jupyter's own kernels do.
 *
 * <p>One message per {@code println} (what jjava's autoflush streams do) floods the iopub socket:
 * at 100,000 lines its send queue overflows and drops messages, a request's {@code idle} status
 * among them, and clients wait forever. Here a batch goes out {@value #INTERVAL_MS} ms after its
 * first byte, or as soon as {@value #BATCH_BYTES} bytes are waiting, or when {@link #flush()} asks
 * (the end of a cell, a display about to be shown); stdout and stderr share one queue, so their
 * order survives. Only the sender thread touches the socket: JeroMQ fails a send from an
 * interrupted thread, and a cell's thread is interrupted whenever the user stops it.
 */
public final class OutputCoalescer implements AutoCloseable {

    /** The stream a byte was printed on. */
    public enum Stream { STDOUT, STDERR }

    /** Where batches go while a request runs: its Jupyter stream messages. */
    @FunctionalInterface
    public interface Sink {
        void send(Stream stream, String text);
    }

    static final long INTERVAL_MS = 200;
    static final int BATCH_BYTES = 64 * 1024;
    /** A cell printing faster than the client reads waits here rather than filling the heap. */
    static final int MAX_UNSENT_BYTES = 16 * 1024 * 1024;

    private final Object lock = new Object();
    private final ArrayDeque<Segment> pending = new ArrayDeque<>();
    private int pendingBytes;
    private long firstPendingAt;
    /** Bytes accepted and bytes sent (or written to the fallback) since the start, for flush(). */
    private long written;
    private long sent;
    /** flush() callers wait until {@code sent} reaches this. */
    private long flushUpTo;
    /** A batch is taken from the queue but not yet sent. */
    private boolean sending;
    private Sink sink;
    private boolean closed;

    private final PrintStream fallbackOut;
    private final PrintStream fallbackErr;
    private final PrintStream out;
    private final PrintStream err;
    private final Thread sender;

    /**
     * @param fallbackOut where stdout goes while no request is attached (the kernel's own log)
     * @param fallbackErr the same for stderr
     */
    public OutputCoalescer(PrintStream fallbackOut, PrintStream fallbackErr) {
        this.fallbackOut = fallbackOut;
        this.fallbackErr = fallbackErr;
        // No autoflush: PrintStream hands every print to the stream at once anyway, and a flush
        // per line is exactly what this class exists to avoid.
        this.out = new PrintStream(new StreamOutput(Stream.STDOUT), false, StandardCharsets.UTF_8);
        this.err = new PrintStream(new StreamOutput(Stream.STDERR), false, StandardCharsets.UTF_8);
        this.sender = new Thread(this::sendLoop, "laai-output");
        sender.setDaemon(true);
        sender.start();
    }

    /** What System.out is while a request runs. */
    public PrintStream out() {
        return out;
    }

    /** What System.err is while a request runs. */
    public PrintStream err() {
        return err;
    }

    /** Sends output to {@code sink} from now on (the start of a request). */
    public void attach(Sink sink) {
        synchronized (lock) {
            this.sink = sink;
            lock.notifyAll();
        }
    }

    /**
     * Sends everything printed so far, then stops sending (the end of a request, before its idle
     * status): later output, from threads a cell left running, goes to the fallback streams.
     */
    public void detach() {
        flush();
        List<Segment> leftover;
        synchronized (lock) {
            boolean interrupted = false;
            while (sending) {
                interrupted |= await(0);
            }
            sink = null;
            leftover = take(true);
            sent += size(leftover);
            lock.notifyAll();
            restoreInterrupt(interrupted);
        }
        for (Segment s : leftover) {
            fallback(s.stream).write(s.bytes, 0, s.length);
        }
    }

    /**
     * Returns once everything printed before the call has been sent. Waits through interrupts
     * (the send is short) and hands the interrupt back afterwards.
     */
    public void flush() {
        if (Thread.currentThread() == sender) {
            return;
        }
        synchronized (lock) {
            long target = written;
            boolean interrupted = false;
            while (sink != null && sent < target && !closed) {
                if (flushUpTo < target) {
                    flushUpTo = target;
                    lock.notifyAll();
                }
                interrupted |= await(0);
            }
            restoreInterrupt(interrupted);
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
    }

    private void write(Stream stream, byte[] b, int off, int len) {
        if (len <= 0) {
            return;
        }
        synchronized (lock) {
            if (sink != null && !closed) {
                append(stream, b, off, len);
                waitForRoom();
                return;
            }
        }
        fallback(stream).write(b, off, len);
    }

    private void append(Stream stream, byte[] b, int off, int len) {
        Segment last = pending.peekLast();
        if (last == null || last.stream != stream) {
            last = new Segment(stream);
            pending.addLast(last);
        }
        last.append(b, off, len);
        written += len;
        pendingBytes += len;
        if (pendingBytes == len) {
            firstPendingAt = System.nanoTime();
            lock.notifyAll(); // the sender starts the interval
        } else if (pendingBytes >= BATCH_BYTES && pendingBytes - len < BATCH_BYTES) {
            lock.notifyAll();
        }
    }

    private void waitForRoom() {
        if (Thread.currentThread() == sender) {
            return;
        }
        boolean interrupted = false;
        while (sink != null && !closed && written - sent > MAX_UNSENT_BYTES) {
            interrupted |= await(0);
        }
        restoreInterrupt(interrupted);
    }

    private void sendLoop() {
        while (true) {
            Sink target;
            List<Segment> batch;
            synchronized (lock) {
                while (!due()) {
                    if (closed && pendingBytes == 0) {
                        return;
                    }
                    await(sink != null && pendingBytes > 0 ? remainingNanos() : 0);
                }
                batch = take(flushUpTo > sent || closed);
                if (batch.isEmpty()) {
                    continue; // only an incomplete character was waiting; take() restarted its interval
                }
                target = sink;
                sending = true;
            }
            try {
                for (Segment s : batch) {
                    if (target == null) { // closed between requests
                        fallback(s.stream).write(s.bytes, 0, s.length);
                    } else {
                        target.send(s.stream, new String(s.bytes, 0, s.length, StandardCharsets.UTF_8));
                    }
                }
            } catch (RuntimeException e) {
                // Printing it on System.err would come back here; the kernel's own log gets it.
                fallbackErr.println("laai kernel: could not send output: " + e);
            } finally {
                synchronized (lock) {
                    sent += size(batch);
                    sending = false;
                    lock.notifyAll();
                }
            }
        }
    }

    /** Whether a batch should go now. Holds the lock. */
    private boolean due() {
        if (pendingBytes == 0) {
            return false;
        }
        if (sink == null) {
            return closed;
        }
        return closed || flushUpTo > sent || pendingBytes >= BATCH_BYTES || remainingNanos() <= 0;
    }

    private long remainingNanos() {
        return firstPendingAt + TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS) - System.nanoTime();
    }

    /**
     * Takes the queue. Unless {@code all}, an incomplete UTF-8 character at its end stays queued
     * (its remaining bytes are on their way), and its interval starts anew. Holds the lock.
     */
    private List<Segment> take(boolean all) {
        List<Segment> batch = new ArrayList<>(pending);
        pending.clear();
        pendingBytes = 0;
        if (!all && !batch.isEmpty()) {
            Segment last = batch.get(batch.size() - 1);
            int complete = Utf8.completePrefix(last.bytes, last.length);
            if (complete < last.length) {
                Segment tail = last.splitAt(complete);
                pending.add(tail);
                pendingBytes = tail.length;
                firstPendingAt = System.nanoTime();
                if (last.length == 0) {
                    batch.remove(batch.size() - 1);
                }
            }
        }
        return batch;
    }

    private static long size(List<Segment> batch) {
        long n = 0;
        for (Segment s : batch) {
            n += s.length;
        }
        return n;
    }

    /** Waits on the lock for {@code nanos} (0: until notified); returns whether it was interrupted. */
    private boolean await(long nanos) {
        try {
            if (nanos > 0) {
                TimeUnit.NANOSECONDS.timedWait(lock, nanos);
            } else {
                lock.wait();
            }
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    private static void restoreInterrupt(boolean interrupted) {
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private PrintStream fallback(Stream stream) {
        return stream == Stream.STDOUT ? fallbackOut : fallbackErr;
    }

    /** A run of bytes printed on one stream. */
    private static final class Segment {
        final Stream stream;
        byte[] bytes = new byte[256];
        int length;

        Segment(Stream stream) {
            this.stream = stream;
        }

        void append(byte[] b, int off, int len) {
            if (length + len > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(length + len, bytes.length * 2));
            }
            System.arraycopy(b, off, bytes, length, len);
            length += len;
        }

        /** Moves the bytes from {@code at} on into a new segment. */
        Segment splitAt(int at) {
            Segment tail = new Segment(stream);
            tail.append(bytes, at, length - at);
            length = at;
            return tail;
        }
    }

    /** One stream's face of the queue. */
    private final class StreamOutput extends OutputStream {
        private final Stream stream;

        StreamOutput(Stream stream) {
            this.stream = stream;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            OutputCoalescer.this.write(stream, b, off, len);
        }

        /** Nothing to do: batches go on their own schedule; {@link OutputCoalescer#flush()} forces one. */
        @Override
        public void flush() {
        }
    }
}
