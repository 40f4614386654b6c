package laai.kernel.testext;

/** A value whose renderer throws an Error, as a renderer with a missing dependency would. */
public final class Exploding {
}
