package laai.magics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;

import laai.eval.ItemScores;
import laai.eval.Method;
import laai.eval.ResultRow;

/** The kernel's charts put each point at the pooled mean and draw its interval as an error bar. */
class ResultChartsTest {

    private static ResultRow row(String method, long seed, double... exact) {
        return ResultRow.measured(Method.of(method), "antonym", Method.of(method).isDelta() ? 1 : -1, "heads", 0.01, 0.01, 4, seed,
                2, 10, 1.0, "fv", ItemScores.ofRun(exact, exact, null));
    }

    private final List<ResultRow> rows = List.of(
            row("zero-shot", 0, 0, 0, 0, 0),
            row("delta", 0, 1, 0, 1, 1),
            row("delta", 1, 1, 1, 1, 1));

    @Test
    void pointsArePooledMeansWithTheirIntervalsAsErrorBars() {
        XYChart perN = ResultCharts.exactMatchPerTrainingSize(rows);
        double[] delta = perN.getSeriesMap().get("delta").getYData();
        double[] deltaBars = perN.getSeriesMap().get("delta").getExtraValues();
        assertEquals(0.875, delta[0], 1e-12); // (0.75 + 1) / 2: the mean of the seeds' means
        assertTrue(deltaBars[0] > 0 && deltaBars[0] <= 0.875, "a bar that covers [low, high]: " + deltaBars[0]);
        assertEquals(0, perN.getSeriesMap().get("zero-shot").getExtraValues()[0], 0); // every item missed: [0, 0]

        CategoryChart perMethod = ResultCharts.exactMatchPerMethod(rows);
        double[] values = perMethod.getSeriesMap().get("antonym").getYData().stream().mapToDouble(Number::doubleValue).toArray();
        double[] bars = perMethod.getSeriesMap().get("antonym").getExtraValues().stream().mapToDouble(Number::doubleValue)
                .toArray();
        assertEquals(0, values[0], 0);
        assertEquals(0.875, values[1], 1e-12);
        assertEquals(deltaBars[0], bars[1], 1e-12);
    }
}
