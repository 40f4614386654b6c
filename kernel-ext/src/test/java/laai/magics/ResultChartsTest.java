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

    @Test
    void klPerMethodPoolsTheDistributionRowsAndLeavesTheRuleRowsOut() {
        List<ResultRow> withKl = new java.util.ArrayList<>(rows);
        withKl.add(ResultRow.measured(Method.of("few-shot"), "opinion-dynamics", -1, "heads", 0.01, 0.01, 4, 0, 2, 10, 1.0,
                "fv", ItemScores.ofRun(null, new double[] {1, 0}, new double[] {2.0, 4.0})));
        withKl.add(ResultRow.measured(Method.of("delta"), "opinion-dynamics", 1, "heads", 0.01, 0.01, 4, 0, 2, 10, 1.0,
                "fv", ItemScores.ofRun(null, new double[] {1, 1}, new double[] {0.5, 0.5})));
        CategoryChart kl = ResultCharts.klPerMethod(withKl);
        assertEquals(List.of("opinion-dynamics"), List.copyOf(kl.getSeriesMap().keySet()));
        double[] values = kl.getSeriesMap().get("opinion-dynamics").getYData().stream().mapToDouble(Number::doubleValue).toArray();
        double[] bars = kl.getSeriesMap().get("opinion-dynamics").getExtraValues().stream().mapToDouble(Number::doubleValue)
                .toArray();
        assertEquals(3.0, values[0], 1e-12);
        assertEquals(0.5, values[1], 1e-12);
        assertTrue(bars[0] > 0 && bars[0] <= 1.0, "few-shot's bar covers its items 2 and 4: " + bars[0]);
        assertEquals(0, bars[1], 0); // two equal items: an interval of width 0
        IllegalArgumentException none = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ResultCharts.klPerMethod(rows));
        assertTrue(none.getMessage().contains("KL"), none.getMessage());
    }
}
