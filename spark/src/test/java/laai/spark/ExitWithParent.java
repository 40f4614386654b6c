package laai.spark;

import java.util.Arrays;

/**
 * Runs another main class, and exits when the JVM that started this one is gone. The test closes
 * its cluster itself, but a test JVM killed outright (a build's timeout, kill -9) runs no code:
 * without this its Spark master and workers would live on. Exiting (not halting) runs the
 * worker's shutdown hooks, which kill its executors.
 */
final class ExitWithParent {
    private ExitWithParent() {}

    public static void main(String[] args) throws Throwable {
        ProcessHandle parent = ProcessHandle.current().parent()
                .orElseThrow(() -> new IllegalStateException("started without a parent process"));
        Thread watch = new Thread(() -> {
            // isAlive compares the start time too, so a reused pid does not look like the parent.
            while (parent.isAlive()) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.exit(1);
        }, "exit-with-parent");
        watch.setDaemon(true);
        watch.start();
        Class.forName(args[0]).getMethod("main", String[].class)
                .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
