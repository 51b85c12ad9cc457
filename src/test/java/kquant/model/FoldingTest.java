package kquant.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import kquant.data.DataFiles;
import kquant.data.NormalizationFile;
import kquant.data.RawData;
import kquant.data.Sequences;
import kquant.engine.Blocks;
import kquant.engine.FloatEngine;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.fixtures.NaiveModel;
import kquant.keras.KerasLoader;
import kquant.testing.Paths2;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The folded model on raw data computes what the model as trained computes on standardized data. The
 * oracle standardizes here, in double, with the normalization's own numbers ({@code (code · lsb −
 * offset) / scale}), and denormalizes the trained model's outputs the same way; the folded side goes
 * through kquant's raw-data reader, folding and float32 engine.
 */
class FoldingTest {

    /**
     * Float32 against float32 (or float64) over the same computation in another order: the fold moves the
     * mean into the bias and rounds the folded weights to float32 once more, so sums differ by a few units
     * in the last place of their largest term. On standardized outputs of magnitude about 1 that stays
     * far below 1e-5, the tolerance the engines keep against Keras.
     */
    static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    @Test
    void theDemoOnItsRawDataGivesTheTrainedModelsOutputs() {
        Model model = KerasLoader.load(Paths2.demo("model.h5"));
        Normalization n = NormalizationFile.read(Paths2.demo("normalization-codes.json")).normalization();
        Folding f = Folding.of(model, n);
        Sequences raw = DataFiles.load(Paths2.demo("raw/test_X.npy").toString(), model.inputShape());
        Sequences folded = Sequences.load(RawData.of(raw, f.units()));
        double[][][] y = Blocks.outputs(new FloatEngine(f.folded()), folded);
        double[][][] expected = Blocks.outputs(new FloatEngine(model), standardized(raw, n));
        Sequences testX = DataFiles.load(Paths2.demo("test_X.npy").toString(), model.inputShape());
        double[][][] onTestX = Blocks.outputs(new FloatEngine(model), testX);
        double worst = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < 4; j++) {
                Normalization.Feature o = n.outputs().get(j);
                double mine = (f.units().physicalOutput(j, y[i][0][j]) - o.offset()) / o.scale();
                worst = Math.max(worst, Math.abs(mine - expected[i][0][j]));
                // the committed standardized windows are the same data, but for sin and cos of the day, which the
                // declared codes round to 2^-14 (up to 3.1e-5 per input): the outputs move by less than 1e-4
                assertEquals(onTestX[i][0][j], mine, 1e-4, "sample " + i + " output " + j + " against test_X.npy");
            }
        }
        assertTrue(worst < TOLERANCE, "largest difference " + worst);
    }

    /** Every first-layer kind, with codes and without, means far from zero and scales far from one. */
    @TestFactory
    Stream<DynamicTest> randomModelsOfEveryFirstLayerAgreeWithTheirTrainedForm() {
        List<DynamicTest> tests = new ArrayList<>();
        int f = 3;
        for (String kind : new String[] {"SimpleRNN", "LSTM", "GRU reset_after", "GRU reset_before", "Dense at every step",
            "Dense after Flatten", "SimpleRNN without bias"}) {
            for (boolean codes : new boolean[] {true, false}) {
                tests.add(DynamicTest.dynamicTest(kind + (codes ? ", int16 and int8 codes" : ", physical values"), () -> {
                    Random r = new Random((kind + codes).hashCode());
                    Model model = fixture(kind.replace(' ', '_'), kind, f, r);
                    Normalization n = randomNormalization(f, model.outputShape().features(), codes, r);
                    Folding folding = Folding.of(model, n);
                    Sequences raw = randomRaw(n, 30, 4, r);
                    double[][][] y = Blocks.outputs(new FloatEngine(folding.folded()), Sequences.load(RawData.of(raw, folding.units())));
                    Sequences x = standardized(raw, n);
                    for (int i = 0; i < raw.count(); i++) {
                        double[][] want = NaiveModel.run(model, x.sample(i)).output();
                        for (int t = 0; t < want.length; t++) {
                            for (int j = 0; j < want[t].length; j++) {
                                Normalization.Feature o = n.outputs().get(j);
                                double mine = (folding.units().physicalOutput(j, y[i][t][j]) - o.offset()) / o.scale();
                                assertEquals(want[t][j], mine, TOLERANCE * Math.max(1, Math.abs(want[t][j])),
                                        kind + ": sample " + i + ", step " + t + ", output " + j);
                            }
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    private Model fixture(String name, String kind, int f, Random r) throws IOException {
        int steps = 4;
        List<FixtureLayer> layers = switch (kind) {
            case "SimpleRNN" -> List.of(FixtureLayer.simpleRnn("rnn", f, 5, "tanh", true, r), FixtureLayer.dense("out", 5, 2, "linear", true, r));
            case "SimpleRNN without bias" -> List.of(FixtureLayer.simpleRnn("rnn", f, 5, "selu", false, r),
                    FixtureLayer.dense("out", 5, 2, "linear", false, r));
            case "LSTM" -> List.of(FixtureLayer.lstm("lstm", f, 4, r), FixtureLayer.dense("out", 4, 2, "linear", true, r));
            case "GRU reset_after" -> List.of(FixtureLayer.gru("gru", f, 4, true, r), FixtureLayer.dense("out", 4, 2, "linear", true, r));
            case "GRU reset_before" -> List.of(FixtureLayer.gru("gru", f, 4, false, r), FixtureLayer.dense("out", 4, 2, "linear", true, r));
            case "Dense at every step" -> List.of(FixtureLayer.dense("in", f, 5, "relu", true, r),
                    FixtureLayer.simpleRnn("rnn", 5, 4, "tanh", true, r), FixtureLayer.dense("out", 4, 2, "linear", true, r));
            default -> List.of(FixtureLayer.plain("Flatten", "flat"), FixtureLayer.dense("out", steps * f, 2, "linear", true, r));
        };
        KerasFixtures.Files2 files = KerasFixtures.write(dir, name, KerasFixtures.Layout.LEGACY_K2_13, new int[] {steps, f}, layers);
        return KerasLoader.load(files.model()).withTimesteps(steps);
    }

    /**
     * Scales from 0.01 to 100; means up to 40 scales from zero for int16 codes (the whole-code mean takes
     * them out exactly), 2 for int8 codes (whose width leaves no more room), 5 for physical values (where
     * the fold puts the mean into the bias); int16 codes of 1/20 to 1/220 of the scale, int8 of 1/20.
     */
    static Normalization randomNormalization(int inputs, int outputs, boolean codes, Random r) {
        List<Normalization.Feature> in = new ArrayList<>();
        for (int k = 0; k < inputs; k++) {
            double scale = Math.pow(10, r.nextDouble() * 4 - 2);
            boolean wide = k % 2 == 0;
            double mean = (r.nextDouble() * 2 - 1) * scale * (!codes ? 5 : wide ? 40 : 2);
            in.add(new Normalization.Feature("in" + k, "u" + k, mean, scale,
                    codes ? new Normalization.Code(wide ? 16 : 8, scale / (wide ? 20 + r.nextInt(200) : 20)) : null));
        }
        List<Normalization.Feature> out = new ArrayList<>();
        for (int j = 0; j < outputs; j++) {
            double scale = Math.pow(10, r.nextDouble() * 4 - 2);
            out.add(new Normalization.Feature("out" + j, "", (r.nextDouble() * 2 - 1) * 50 * scale, scale,
                    codes ? new Normalization.Code(16, scale / 1000) : null));
        }
        return new Normalization(in, out);
    }

    /**
     * Raw data: standardized values N(0, 1), made physical and, with codes, whole codes within the code's
     * width, then stored in float32 as a data file would hold them.
     */
    static Sequences randomRaw(Normalization n, int count, int steps, Random r) {
        int f = n.inputs().size();
        float[] v = new float[count * steps * f];
        for (int i = 0; i < v.length; i++) {
            Normalization.Feature feature = n.inputs().get(i % f);
            double physical = r.nextGaussian() * feature.scale() + feature.offset();
            if (feature.code() != null) {
                double code = Math.rint(physical / feature.code().lsb());
                physical = Math.max(feature.code().minCode(), Math.min(feature.code().maxCode(), code)) * feature.code().lsb();
            }
            v[i] = (float) physical;
        }
        return new Sequences("raw", count, steps, f, true, v);
    }

    /** The oracle's standardization: each value rounded to its code (when it has one), then (value − offset) / scale. */
    static Sequences standardized(Sequences raw, Normalization n) {
        float[] v = raw.read(0, raw.count());
        int f = raw.features();
        for (int i = 0; i < v.length; i++) {
            Normalization.Feature feature = n.inputs().get(i % f);
            double physical = v[i];
            if (feature.code() != null) {
                physical = Math.floor(physical / feature.code().lsb() + 0.5) * feature.code().lsb();
            }
            v[i] = (float) ((physical - feature.offset()) / feature.scale());
        }
        return new Sequences(raw.name(), raw.count(), raw.timesteps(), f, raw.sequence(), v);
    }
}
