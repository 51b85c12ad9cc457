package kquant.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import kquant.engine.layer.FixedStep;
import kquant.engine.layer.Steps;
import kquant.fixed.Fixed;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.fixed.Storage;
import kquant.model.Model;
import kquant.model.Shape;

/**
 * The Q15/Q7/A16W8 integer engine: the bit-exact specification of the exported C, a block of
 * samples at a time. It quantizes the input (round half up, saturate), then runs the integer steps
 * layer by layer, mirroring {@link FloatEngine} stage by stage and recording the same tensor
 * names. Integer sums are exact, so a sample's codes never depend on the block it runs in.
 */
public final class FixedEngine implements Engine {

    private final QuantizedModel q;

    public FixedEngine(QuantizedModel q) {
        if (!q.model().inputShape().knownLength()) {
            throw new IllegalArgumentException("the integer engine needs a known sequence length; use Model.withTimesteps");
        }
        this.q = q;
    }

    public QuantizedModel quantized() {
        return q;
    }

    /** The storage scheme of this engine. */
    public Scheme scheme() {
        return q.scheme();
    }

    @Override
    public String name() {
        return q.scheme().cliName();
    }

    @Override
    public Model model() {
        return q.model();
    }

    @Override
    public FixedRunner runner(int lanes) {
        return new FixedRunner(lanes);
    }

    /** Everything one run of one sample produced. Codes are {@code [step][unit]}. */
    public record Result(int[][] outputCodes, double[][] output, Trace trace, Map<String, int[][]> codes, Saturations saturations) {
    }

    /** Quantizes one sample with the input format, then runs it (a convenience over a one-sample runner). */
    public Result run(double[][] sample, boolean record) {
        FixedRunner r = runner(1);
        Trace.Recorder rec = record ? new Trace.Recorder(0) : null;
        r.run(Samples.flatten(sample), 0, 1, rec);
        return result(r, rec);
    }

    /** Runs one sample from input codes, as the C step function receives them. */
    public Result runCodes(int[][] inputCodes, boolean record) {
        FixedRunner r = runner(1);
        Trace.Recorder rec = record ? new Trace.Recorder(0) : null;
        int f = inputCodes[0].length;
        int[] flat = new int[inputCodes.length * f];
        for (int t = 0; t < inputCodes.length; t++) {
            System.arraycopy(inputCodes[t], 0, flat, t * f, f);
        }
        r.runCodes(flat, 0, 1, rec);
        return result(r, rec);
    }

    private static Result result(FixedRunner r, Trace.Recorder rec) {
        int[][] codes = new int[r.outputSteps()][r.outputUnits()];
        for (int t = 0; t < codes.length; t++) {
            for (int j = 0; j < codes[t].length; j++) {
                codes[t][j] = r.outputCode(0, t, j);
            }
        }
        return new Result(codes, Samples.outputs(r, 0), rec == null ? null : rec.build(), rec == null ? null : rec.codes(),
                r.saturations());
    }

    /** One thread's buffers for blocks of up to {@code lanes} samples. */
    public final class FixedRunner implements Runner {
        private final int lanes;
        private final List<FixedStep> steps = new ArrayList<>();
        private final int[][] input;
        private int[][] output;
        private Saturations sats = new Saturations();

        FixedRunner(int lanes) {
            this.lanes = lanes;
            this.input = new int[FloatEngine.rowsOf(q.model().inputShape())][lanes];
            Model m = q.model();
            for (int i = 0; i < q.layers().size(); i++) {
                steps.add(Steps.fixed(q.layers().get(i), m.inputShapeOf(i), lanes));
            }
        }

        @Override
        public int lanes() {
            return lanes;
        }

        /** Quantizes the real inputs (counting clipped codes as {@code input} saturations), then runs. */
        @Override
        public void run(float[] values, int offset, int count, BlockSink sink) {
            Storage type = q.scheme().activations();
            int f = q.inputFrac();
            int rows = input.length;
            int features = q.model().inputShape().features();
            sats = new Saturations();
            for (int r = 0; r < rows; r++) {
                int clipped = 0;
                for (int s = 0; s < count; s++) {
                    long c = Fixed.quantizeUnclamped(values[offset + s * rows + r], f);
                    clipped += Fixed.saturates(c, type) ? 1 : 0;
                    input[r][s] = Fixed.saturate(c, type);
                }
                sats.add("input", r / features, clipped);
            }
            compute(count, sink);
        }

        /** Runs from input codes (sample by sample, row-major), as the C receives them. */
        public void runCodes(int[] codes, int offset, int count, BlockSink sink) {
            int rows = input.length;
            for (int s = 0; s < count; s++) {
                for (int r = 0; r < rows; r++) {
                    input[r][s] = codes[offset + s * rows + r];
                }
            }
            sats = new Saturations();
            compute(count, sink);
        }

        private void compute(int count, BlockSink sink) {
            if (sink != null) {
                int features = q.model().inputShape().features();
                for (int t = 0; t < input.length / features; t++) {
                    sink.codes("input", t, input, t * features, features, count, q.inputFrac());
                }
            }
            int[][] v = input;
            for (FixedStep step : steps) {
                v = step.run(v, count, sink, sats);
            }
            output = v;
        }

        /** Values clipped in the last run, per tensor and step. */
        public Saturations saturations() {
            return sats;
        }

        @Override
        public int outputSteps() {
            return steps.isEmpty() ? FloatEngine.stepsOf(q.model().inputShape()) : steps.get(steps.size() - 1).stepsOut();
        }

        @Override
        public int outputUnits() {
            return steps.isEmpty() ? q.model().inputShape().features() : steps.get(steps.size() - 1).unitsOut();
        }

        /** The last run's output code for sample {@code s}, step {@code t}, unit {@code j}. */
        public int outputCode(int s, int t, int j) {
            return output[t * outputUnits() + j][s];
        }

        @Override
        public double output(int s, int t, int j) {
            return Fixed.dequantize(outputCode(s, t, j), q.outputFrac());
        }
    }
}
