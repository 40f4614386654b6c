package io.github.spencerpark.jupyter.kernel.magic.registry;

import java.util.List;

/** Test double with the signature of IJava's (basekernel 2.3.0) line magic interface. */
@FunctionalInterface
public interface LineMagicFunction<T> {
    T execute(List<String> args) throws Exception;
}
