/**
 * The laai magics: the paper's experiments as notebook line magics on one shared model session.
 *
 * <pre>
 * %model load [DIR] | info | unload        the session's model (default models/demo)
 * %task NAME|FILE [--show K]               the current task
 * %intervene --task T --layer L [...]      zero-shot, few-shot, Δ (γ = λ = 0), Δ; live progress bar;
 *   [--controls R]                         and the mean-difference vector and Δ's random control
 * %compose A B --layer L [--weights a,b]   Δ_A + Δ_B on x → B(A(x)) against a re-optimised Δ, and
 *   [--fit-steps N --refine-steps N]       between them the sum with fitted weights and the refined sum
 * %transfer --tasks A,B,... --layer L      each task's Δ on every task: the matrix of exact matches
 * %sweep --task T --layers 0-5|all [...]   layers × γ × λ × N × seeds: table and plot
 * %baseline zero-shot|few-shot --task T    prompting alone
 * %delta save|load|show|list [NAME]        named Δs on disk; per-head norm plots
 * </pre>
 *
 * Every magic takes {@code --help}; a bad argument gets its usage, any other failure one message,
 * and neither changes the session. {@code {expr}} in an argument is replaced by the value of the
 * Java expression, so a notebook keeps its settings in one cell. Java cells reach everything
 * through {@link laai.magics.Laai#session()}.
 *
 * <h2>Three ways to load</h2>
 * <ul>
 *   <li>Our kernel ({@code bin/laai kernel install}): built in, through
 *       {@code META-INF/services/org.dflib.jjava.jupyter.Extension} ({@link laai.magics.LaaiMagics}).</li>
 *   <li>A user's JJava: the same service file, once {@code laai-kernel-ext.jar} and its
 *       {@code lib/*.jar} are on JJava's classpath ({@code JJAVA_CLASSPATH}, or {@code %classpath}
 *       in a cell).</li>
 *   <li>A user's IJava: {@code %jars} the same jars, then one call,
 *       {@code laai.magics.Laai.registerWithIJava();} — a reflective adapter, so this module does
 *       not depend on IJava ({@link laai.magics.IJavaRegistration}).</li>
 * </ul>
 */
package laai.magics;
