package io.github.spencerpark.jupyter.kernel.display;

import java.util.LinkedHashMap;
import java.util.Map;

/** Test double of basekernel's DisplayData: the constructor and putData the adapter uses. */
public class DisplayData {
    public final Map<String, Object> data = new LinkedHashMap<>();

    public DisplayData(String textData) {
        data.put("text/plain", textData);
    }

    public void putData(String mimeType, Object value) {
        data.put(mimeType, value);
    }
}
