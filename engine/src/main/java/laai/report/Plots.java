package laai.report;

import laai.eval.Interval;
import laai.eval.ResultRow;
import laai.eval.SeedAggregate;
import laai.intervention.Delta;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The paper's figures as XChart charts: exact match per layer, ‖Δ_h‖ per head, loss per step.
 * Exact match carries error bars that span each value's 95 % bootstrap interval. XChart draws
 * symmetric bars only, so a bar reaches max(high − value, value − low) on both sides: it covers
 * the interval, and exceeds it on the shorter side.
 */
public final class Plots {
    private Plots() {}

    /**
     * Exact match against layer, one series per method and task (rows of a sweep); rows at several
     * seeds are aggregated ({@link SeedAggregate}) into their mean and interval over seeds and items.
     */
    public static XYChart exactMatchPerLayer(List<ResultRow> rows) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title("Exact match per layer")
                .xAxisTitle("layer").yAxisTitle("exact match").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        List<ResultRow> aggregated = SeedAggregate.aggregate(rows).stream().filter(r -> r.layer() >= 0).toList();
        // One series per setting where a sweep varied γ, λ or N, so that no point averages two settings.
        boolean penalties = aggregated.stream().map(r -> r.gamma() + " " + r.lambda()).distinct().count() > 1;
        boolean sizes = aggregated.stream().map(ResultRow::nTrain).distinct().count() > 1;
        Map<String, List<ResultRow>> byMethod = aggregated.stream().collect(Collectors.groupingBy(r -> r.method().label() + " "
                + r.task() + (penalties ? " γ " + r.gamma() + " λ " + r.lambda() : "") + (sizes ? " N " + r.nTrain() : ""),
                TreeMap::new, Collectors.toList()));
        byMethod.forEach((name, rs) -> {
            Map<Integer, ResultRow> atLayer = new TreeMap<>();
            for (ResultRow r : rs) atLayer.put(r.layer(), r);
            List<Double> values = new ArrayList<>(), bars = new ArrayList<>();
            for (ResultRow r : atLayer.values()) {
                values.add(r.exactMatch());
                bars.add(errorBar(r.exactMatch(), r.exactMatchCi()));
            }
            chart.addSeries(name, new ArrayList<>(atLayer.keySet()), values, bars);
        });
        return chart;
    }

    /**
     * The half-length of a symmetric error bar that covers {@code interval} around {@code value}
     * (XChart has no asymmetric bars); 0 where there is no interval.
     */
    public static double errorBar(double value, Interval interval) {
        if (interval.isNone() || Double.isNaN(value)) return 0;
        return Math.max(interval.high() - value, value - interval.low());
    }

    /** ‖Δ_h‖₂ per head: the sparsity pattern group lasso produces. */
    public static CategoryChart headNorms(Delta delta) {
        double[] norms = delta.groupNorms();
        List<Integer> heads = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int h = 0; h < norms.length; h++) {
            heads.add(h);
            values.add(norms[h]);
        }
        CategoryChart chart = new CategoryChartBuilder().width(640).height(360)
                .title("‖Δ_h‖ per head: " + delta.describe()).xAxisTitle("head").yAxisTitle("norm").build();
        chart.getStyler().setLegendVisible(false);
        chart.addSeries("norm", heads, values);
        return chart;
    }

    /** Smooth loss per optimisation step, one series per named run. */
    public static XYChart lossPerStep(Map<String, List<Double>> runs) {
        XYChart chart = new XYChartBuilder().width(640).height(400).title("Loss per step")
                .xAxisTitle("step").yAxisTitle("loss").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(0);
        runs.forEach((name, losses) -> {
            if (losses.isEmpty()) return;
            List<Integer> steps = new ArrayList<>();
            for (int i = 0; i < losses.size(); i++) steps.add(i + 1);
            chart.addSeries(name, steps, losses);
        });
        return chart;
    }

    /** Writes {@code base}.png and {@code base}.svg. */
    public static void save(Chart<?, ?> chart, Path base) {
        try {
            if (base.getParent() != null) Files.createDirectories(base.getParent());
            BitmapEncoder.saveBitmap(chart, base.toString(), BitmapEncoder.BitmapFormat.PNG);
            VectorGraphicsEncoder.saveVectorGraphic(chart, base.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write chart " + base + ": " + e.getMessage(), e);
        }
    }
}
