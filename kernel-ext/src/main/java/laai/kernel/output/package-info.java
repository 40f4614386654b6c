/**
 * A cell's stdout and stderr on their way to Jupyter: buffered, in order, sent in batches from
 * a thread of their own ({@link laai.kernel.output.OutputCoalescer}).
 */
package laai.kernel.output;
