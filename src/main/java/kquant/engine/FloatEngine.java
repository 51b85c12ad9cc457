package kquant.engine;

import java.util.ArrayList;
import java.util.List;
import kquant.engine.layer.FloatStep;
import kquant.engine.layer.Steps;
import kquant.model.Model;
import kquant.model.Shape;

/**
 * The float32 reference engine: computes what Keras computes in float32, a block of samples at a
 * time. Every product and sum is rounded to float32 in the order a one-sample float32 computation
 * does it (Java float arithmetic), so each sample's result is the same whatever block it runs in;
 * the blocks only let the JIT compute many samples per instruction.
 *
 * <p>Layer by layer it records, per timestep, what {@link Trace} lists; the steps themselves live
 * in {@code kquant.engine.layer}, one class per layer kind. {@link ReferenceEngine} is the plain
 * one-sample engine (and the float64 engine).
 */
public final class FloatEngine implements Engine {

    private final Model model;

    /** @param model  a model whose sequence length is known ({@link Model#withTimesteps}) */
    public FloatEngine(Model model) {
        if (!model.inputShape().knownLength()) {
            throw new IllegalArgumentException("the float32 engine needs a known sequence length; use Model.withTimesteps");
        }
        this.model = model;
    }

    @Override
    public String name() {
        return "float32";
    }

    @Override
    public Model model() {
        return model;
    }

    @Override
    public Runner runner(int lanes) {
        return new BlockRunner(lanes);
    }

    /** One thread's buffers: every layer's step, and the input in block layout. */
    private final class BlockRunner implements Runner {
        private final int lanes;
        private final List<FloatStep> steps = new ArrayList<>();
        private final float[][] input;
        private float[][] output;
        private FloatStep last;

        BlockRunner(int lanes) {
            this.lanes = lanes;
            Shape in = model.inputShape();
            this.input = new float[rowsOf(in)][lanes];
            for (int i = 0; i < model.layers().size(); i++) {
                steps.add(Steps.float32(model.layers().get(i), model.inputShapeOf(i), lanes));
            }
        }

        @Override
        public int lanes() {
            return lanes;
        }

        @Override
        public void run(float[] values, int offset, int count, BlockSink sink) {
            Shape in = model.inputShape();
            int rows = rowsOf(in);
            for (int s = 0; s < count; s++) {
                int base = offset + s * rows;
                for (int r = 0; r < rows; r++) {
                    input[r][s] = values[base + r];
                }
            }
            if (sink != null) {
                int features = in.features();
                for (int t = 0; t < rows / features; t++) {
                    sink.floats("input", t, input, t * features, features, count);
                }
            }
            float[][] v = input;
            for (FloatStep step : steps) {
                v = step.run(v, count, sink);
                int lane = NonFiniteValue.firstLane(v, count);
                if (lane >= 0) {
                    throw NonFiniteValue.locate(new ReferenceEngine(model, Precision.FLOAT32), sample(lane), lane);
                }
            }
            output = v;
            last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        }

        /** Lane s of the input, as {@code [timestep][feature]}. */
        private double[][] sample(int s) {
            int features = model.inputShape().features();
            double[][] x = new double[input.length / features][features];
            for (int r = 0; r < input.length; r++) {
                x[r / features][r % features] = input[r][s];
            }
            return x;
        }

        @Override
        public int outputSteps() {
            return last == null ? stepsOf(model.inputShape()) : last.stepsOut();
        }

        @Override
        public int outputUnits() {
            return last == null ? model.inputShape().features() : last.unitsOut();
        }

        @Override
        public double output(int s, int t, int j) {
            return output[t * outputUnits() + j][s];
        }
    }

    static int stepsOf(Shape s) {
        return s.sequence() ? s.timesteps() : 1;
    }

    static int rowsOf(Shape s) {
        return stepsOf(s) * s.features();
    }
}
