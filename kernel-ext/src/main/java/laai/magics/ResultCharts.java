package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import laai.eval.ResultRow;

/**
 * Result charts the engine's {@code laai.report.Plots} does not draw: exact match against the
 * number of training pairs (sample efficiency), and exact match per method (a comparison table as
 * bars). Methods are series; rows of the same method and x are averaged (over seeds).
 */
public final class ResultCharts {

    private ResultCharts() {
    }

    /** Exact match against N, one series per method; baselines included, as they depend on N too. */
    public static XYChart exactMatchPerTrainingSize(List<ResultRow> rows) {
        requireRows(rows);
        XYChart chart = new XYChartBuilder().width(640).height(400).title("Exact match per number of training pairs")
                .xAxisTitle("training pairs N").yAxisTitle("exact match").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        Map<String, List<ResultRow>> byMethod = rows.stream()
                .collect(Collectors.groupingBy(ResultRow::method, TreeMap::new, Collectors.toList()));
        byMethod.forEach((method, rs) -> {
            Map<Integer, Double> mean = mean(rs, ResultRow::nTrain, ResultRow::exactMatch);
            chart.addSeries(method, new ArrayList<>(mean.keySet()), new ArrayList<>(mean.values()));
        });
        return chart;
    }

    /** Exact match per method, one bar group per task. */
    public static CategoryChart exactMatchPerMethod(List<ResultRow> rows) {
        requireRows(rows);
        CategoryChart chart = new CategoryChartBuilder().width(800).height(400).title("Exact match per method")
                .xAxisTitle("method").yAxisTitle("exact match").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        List<String> methods = rows.stream().map(ResultRow::method).distinct().collect(Collectors.toList());
        Map<String, List<ResultRow>> byTask = rows.stream()
                .collect(Collectors.groupingBy(ResultRow::task, TreeMap::new, Collectors.toList()));
        byTask.forEach((task, rs) -> {
            List<Double> values = new ArrayList<>();
            for (String m : methods) {
                values.add(rs.stream().filter(r -> r.method().equals(m)).mapToDouble(ResultRow::exactMatch)
                        .average().orElse(0));
            }
            chart.addSeries(task, methods, values);
        });
        return chart;
    }

    /** XChart cannot draw a chart without series; say why instead of failing in the renderer. */
    private static void requireRows(List<ResultRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no result rows to plot yet");
        }
    }

    private static Map<Integer, Double> mean(List<ResultRow> rows, java.util.function.ToIntFunction<ResultRow> x,
                                             ToDoubleFunction<ResultRow> y) {
        return rows.stream().collect(Collectors.groupingBy(x::applyAsInt, TreeMap::new, Collectors.averagingDouble(y)));
    }
}
