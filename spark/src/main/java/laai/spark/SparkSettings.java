package laai.spark;

import laai.eval.ModelSpec;
import org.apache.spark.SparkConf;

/**
 * The Spark configuration of a sweep. Anything set as a {@code spark.*} system property (say
 * {@code -Dspark.executor.memory=8g} in LAAI_JAVA_OPTS) wins over these defaults, except the
 * options every executor JVM needs: DJL offline (it would otherwise call an outside address at
 * start-up) and, when pinned, the driver's libtorch thread count, which are appended.
 */
final class SparkSettings {
    private SparkSettings() {}

    /** System property naming the jars executors need besides Spark's own (bin/laai sets it). */
    static final String APPLICATION_JARS = "laai.spark.jars";

    /** The master named by spark-submit (--master), for YARN and Kubernetes. */
    static final String SUBMIT = "submit";

    static SparkConf of(String master, ModelSpec model) {
        SparkConf conf = new SparkConf().setAppName("laai sweep");
        if (master.equals(SUBMIT)) {
            if (!conf.contains("spark.master")) {
                throw new IllegalArgumentException("--spark submit takes the master spark-submit sets, and none is set "
                        + "(give one: local[2], spark://HOST:PORT, ...)");
            }
        } else {
            conf.setMaster(master);
        }
        master = conf.get("spark.master");
        conf.setIfMissing("spark.ui.enabled", "false");
        String offline = "-Dai.djl.offline=true -DOPT_OUT_TRACKING=true -Dfile.encoding=UTF-8 -Djava.awt.headless=true"
                + (model.torchThreads() > 0 ? " -Dai.djl.pytorch.num_threads=" + model.torchThreads() : "");
        String given = conf.get("spark.executor.extraJavaOptions", "");
        conf.set("spark.executor.extraJavaOptions", (given + " " + offline).trim());
        conf.setIfMissing("spark.executorEnv.DJL_OFFLINE", "true");
        conf.setIfMissing("spark.executorEnv.OPT_OUT_TRACKING", "true");
        conf.setIfMissing("spark.executorEnv.RUST_FLAVOR", "cpu");
        // A cluster's executors fetch the engine's jars from the driver, unless told where they are.
        String jars = System.getProperty(APPLICATION_JARS);
        if (!master.startsWith("local") && jars != null && !jars.isBlank() && !conf.contains("spark.executor.extraClassPath")) {
            conf.setIfMissing("spark.jars", jars);
        }
        return conf;
    }
}
