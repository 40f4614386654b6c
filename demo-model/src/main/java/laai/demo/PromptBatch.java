package laai.demo;

import java.util.List;

/**
 * Texts encoded with the demo tokenizer, BOS first, right-padded into one [size, width] batch of
 * ids, with each sequence's length and the flat row index (i · width + length − 1) of its last token.
 */
record PromptBatch(int size, int width, long[] ids, int[] lengths, long[] lastRows) {

    static PromptBatch of(WordTokenizer tokenizer, List<String> texts) {
        int b = texts.size(), width = 0;
        int[][] seqs = new int[b][];
        for (int i = 0; i < b; i++) {
            int[] t = tokenizer.encode(texts.get(i));
            seqs[i] = new int[t.length + 1];
            seqs[i][0] = WordTokenizer.BOS_ID;
            System.arraycopy(t, 0, seqs[i], 1, t.length);
            width = Math.max(width, seqs[i].length);
        }
        long[] ids = new long[b * width];
        int[] lengths = new int[b];
        long[] last = new long[b];
        java.util.Arrays.fill(ids, WordTokenizer.PAD_ID);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < seqs[i].length; j++) ids[i * width + j] = seqs[i][j];
            lengths[i] = seqs[i].length;
            last[i] = (long) i * width + seqs[i].length - 1;
        }
        return new PromptBatch(b, width, ids, lengths, last);
    }
}
