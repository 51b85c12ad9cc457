package kquant.bench;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.engine.Blocks;
import kquant.engine.Engine;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Runner;
import kquant.fixed.QuantizedModel;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One runner over a block of 128 sequences, for each engine on the bundled demo models: time per
 * sequence on one thread, without I/O. Run from the repository root (it reads calibration/).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EngineBenchmark {

    /** model.h5 of calibration/demo (SimpleRNN), calibration/demo/lstm or calibration/demo/gru. */
    @Param({"calibration/demo/model.h5"})
    public String model;

    /** float32, or a calibration file for an integer engine. */
    @Param({"float32", "calibration/demo-q15.json", "calibration/demo-q7.json", "calibration/demo-a16w8.json"})
    public String engine;

    private Runner runner;
    private float[] input;

    @Setup
    public void setup() {
        Model m = KerasLoader.load(Path.of(model)).withTimesteps(5);
        Engine e;
        if (engine.equals("float32")) {
            e = new FloatEngine(m);
        } else {
            Calibration c = CalibrationFile.read(Path.of(engine), m);
            e = new FixedEngine(new QuantizedModel(m, c.formats()));
        }
        runner = e.runner(Blocks.LANES);
        input = new float[Blocks.LANES * m.inputShape().timesteps() * m.inputShape().features()];
        Random r = new Random(1);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) r.nextGaussian();
        }
    }

    @Benchmark
    @OperationsPerInvocation(Blocks.LANES)
    public Runner block() {
        runner.run(input, 0, Blocks.LANES, null);
        return runner;
    }
}
