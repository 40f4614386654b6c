/**
 * Reading and writing safetensors checkpoints for DJL's PyTorch engine.
 *
 * <p>{@link laai.checkpoint.Checkpoint} opens a Hugging Face model folder (single file or sharded)
 * and loads tensors as FLOAT32 (zero-copy from a memory mapping where the file already holds F32),
 * widening bfloat16 and float8 in Java because the engine aborts the JVM on those dtypes.
 * {@link laai.checkpoint.SafeTensorsWriter} writes files and sharded folders. Every malformed input
 * fails with a {@link laai.checkpoint.CheckpointException} naming the file and tensor.
 */
package laai.checkpoint;
