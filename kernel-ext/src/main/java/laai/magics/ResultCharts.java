package laai.magics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

import laai.eval.ItemScores;
import laai.eval.Method;
import laai.eval.ResultRow;
import laai.report.Plots;

/**
 * Result charts the engine's {@code laai.report.Plots} does not draw: exact match against the
 * number of training pairs (sample efficiency), and exact match or mean KL per method (a comparison
 * table as bars). Methods are series. The rows behind one point (seeds, or several tasks' or layers' rows
 * of one method) pool their per-item values as seeds do: the point is the mean of their means and
 * its error bar covers the bootstrap interval over them and their test items.
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
        // Series in the order of the labels, as the legend has always listed them.
        Map<String, List<ResultRow>> byMethod = rows.stream()
                .collect(Collectors.groupingBy(r -> r.method().label(), TreeMap::new, Collectors.toList()));
        byMethod.forEach((method, rs) -> {
            Map<Integer, List<ResultRow>> atN = rs.stream()
                    .collect(Collectors.groupingBy(ResultRow::nTrain, TreeMap::new, Collectors.toList()));
            List<Double> values = new ArrayList<>(), bars = new ArrayList<>();
            atN.values().forEach(point -> {
                double[] p = pooledExactMatch(point);
                values.add(p[0]);
                bars.add(p[1]);
            });
            chart.addSeries(method, new ArrayList<>(atN.keySet()), values, bars);
        });
        return chart;
    }

    /** Exact match per method, one bar group per task. */
    public static CategoryChart exactMatchPerMethod(List<ResultRow> rows) {
        requireRows(rows);
        CategoryChart chart = perMethod(rows, "Exact match per method", "exact match", ResultRow::exactMatch, ItemScores::exact);
        chart.getStyler().setYAxisMax(1.0);
        return chart;
    }

    /** Mean KL(q‖p) per method (lower is better), one bar group per task: the distribution tasks' comparison. */
    public static CategoryChart klPerMethod(List<ResultRow> rows) {
        List<ResultRow> withKl = rows.stream().filter(r -> !Double.isNaN(r.kl())).toList();
        if (withKl.isEmpty()) {
            throw new IllegalArgumentException("no result rows with a KL to plot yet (KL is measured on distribution tasks)");
        }
        return perMethod(withKl, "Mean KL per method", "mean KL(q‖p), lower is better", ResultRow::kl, ItemScores::kl);
    }

    private static CategoryChart perMethod(List<ResultRow> rows, String title, String yTitle, ToDoubleFunction<ResultRow> metric,
                                           Function<ItemScores, List<double[]>> perItem) {
        CategoryChart chart = new CategoryChartBuilder().width(800).height(400).title(title)
                .xAxisTitle("method").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        List<Method> methods = rows.stream().map(ResultRow::method).distinct().collect(Collectors.toList());
        List<String> labels = methods.stream().map(Method::label).toList();
        Map<String, List<ResultRow>> byTask = rows.stream()
                .collect(Collectors.groupingBy(ResultRow::task, TreeMap::new, Collectors.toList()));
        byTask.forEach((task, rs) -> {
            List<Double> values = new ArrayList<>(), bars = new ArrayList<>();
            for (Method m : methods) {
                double[] p = pooled(rs.stream().filter(r -> r.method() == m).toList(), metric, perItem);
                values.add(p[0]);
                bars.add(p[1]);
            }
            chart.addSeries(task, labels, values, bars);
        });
        return chart;
    }

    /** XChart cannot draw a chart without series; say why instead of failing in the renderer. */
    private static void requireRows(List<ResultRow> rows) {
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no result rows to plot yet");
        }
    }

    /**
     * {value, half-length of its error bar} of the rows' exact match (or another metric) pooled as seeds
     * are; the plain mean and no bar for rows without per-item values; {0, 0} for no rows (a method a task lacks).
     */
    static double[] pooledExactMatch(List<ResultRow> rows) {
        return pooled(rows, ResultRow::exactMatch, ItemScores::exact);
    }

    private static double[] pooled(List<ResultRow> rows, ToDoubleFunction<ResultRow> metric,
                                   Function<ItemScores, List<double[]>> perItem) {
        if (rows.isEmpty()) return new double[] {0, 0};
        List<double[]> items = perItem.apply(ItemScores.pooled(rows.stream().map(ResultRow::items).toList()));
        if (items.isEmpty()) return new double[] {rows.stream().mapToDouble(metric).average().orElse(0), 0};
        double value = ItemScores.meanOfMeans(items);
        return new double[] {value, Plots.errorBar(value, ItemScores.interval(items))};
    }
}
