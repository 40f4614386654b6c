/**
 * Java evaluation for the kernel: an in-process JShell whose snippets run on one dedicated daemon
 * thread ({@link laai.kernel.eval.SnippetExecutor}) and keep their real result objects, plus the
 * failures a cell can end with, each carrying its notebook-ready report.
 */
package laai.kernel.eval;
