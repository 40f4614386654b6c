/**
 * The laai Jupyter kernel for Java cells, built on jjava-jupyter's base library.
 *
 * <h2>Adding magics and renderers</h2>
 * Write an {@link org.dflib.jjava.jupyter.Extension} and list it in
 * {@code META-INF/services/org.dflib.jjava.jupyter.Extension} of a jar on the kernel's classpath;
 * the kernel installs it at startup (or when {@link laai.kernel.LaaiKernel#addToClasspath} adds
 * the jar later):
 *
 * <pre>{@code
 * public final class SteeringMagics implements Extension {
 *     static final MagicsArgs ARGS = MagicsArgs.builder().required("layer").keyword("alpha")
 *             .onlyKnownKeywords().onlyKnownFlags().build();
 *
 *     public void install(BaseKernel kernel) {
 *         kernel.getMagicsRegistry().registerLineMagic("steer", (LineMagic<Table, BaseKernel>) (k, args) -> {
 *             Map<String, List<String>> a = MagicUsage.parse("%steer", ARGS, args); // usage on bad args
 *             return resultTable(a);                                             // rendered as HTML
 *         });
 *         kernel.getMagicsRegistry().registerCellMagic("compose", (CellMagic<XYChart, BaseKernel>) (k, args, body) -> chart(body));
 *         kernel.getRenderer().createRegistration(MyResult.class)
 *                 .preferring(MIMEType.TEXT_HTML)
 *                 .register((r, ctx) -> ctx.renderIfRequested(MIMEType.TEXT_HTML, () -> r.toHtml()));
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>A magic's return value is rendered like a cell's last expression; {@code var t = %steer 3}
 *       keeps it. Magics run on the cell's thread and may call {@code kernel.evalRaw(code)}.</li>
 *   <li>Anything thrown becomes the cell's error, with a trimmed stack trace; throw
 *       {@link laai.kernel.MagicUsageException} (or use {@link laai.kernel.MagicUsage}) for bad
 *       arguments to show the usage without a trace. The kernel and its state survive either way.</li>
 *   <li>{@link laai.kernel.LaaiKernel#instance()} returns the running kernel from anywhere in
 *       notebook, magic or extension code.</li>
 *   <li>{@link laai.kernel.LiveDisplay} and {@link laai.kernel.ProgressBar} update one output in place.</li>
 *   <li>What a cell prints goes out in batches, stdout and stderr in order, before its result, its
 *       displays and its idle status ({@link laai.kernel.output.OutputCoalescer}).</li>
 *   <li>{@code System.exit} and {@code Runtime.halt} in notebook code are refused with a
 *       {@code SecurityException} (on Java 17 to 23; see {@code ExitGuard}): the session survives.</li>
 * </ul>
 *
 * <h2>Install</h2>
 * <pre>
 * mvn -B -q -pl kernel-ext package
 * java -jar kernel-ext/target/laai-kernel-ext.jar install [--user | --prefix DIR] [--classpath EXTRA]
 * </pre>
 * See {@link laai.kernel.KernelInstaller} for all options.
 */
package laai.kernel;
