package kquant.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import kquant.model.Activation;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The float32 engine's activations: kquant's own exponential with its StrictMath fallback
 * (Float32Activations, through the engine's lane loop) against the same exponential without the
 * check (not bit-identical) and against StrictMath on every value, per value, on N(0, 2) inputs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ActivationBenchmark {

    @Param({"SELU", "TANH", "SIGMOID"})
    public Activation activation;

    private final float[] z = new float[4096];
    private final float[] out = new float[4096];

    @Setup
    public void setup() {
        Random r = new Random(1);
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (r.nextGaussian() * 2);
        }
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(4096)
    public float[] kquant() {
        kquant.engine.layer.Benchmarks.activate(activation, z, out, z.length);
        return out;
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(4096)
    public float[] unchecked() {
        kquant.engine.layer.Benchmarks.activateUnchecked(activation, z, out, z.length);
        return out;
    }

    @Benchmark
    @org.openjdk.jmh.annotations.OperationsPerInvocation(4096)
    public float[] strictMath() {
        for (int i = 0; i < z.length; i++) {
            out[i] = (float) activation.apply(z[i]);
        }
        return out;
    }
}
