package kquant.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import kquant.data.Sequences;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.testing.Captured;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The float32 block engine against the plain one-sample float32 engine ({@link ReferenceEngine}),
 * bit for bit, on random models of every supported layer kind and option: every output and every
 * traced tensor at every step. The block runs 100 lanes at a time over 257 samples, so blocks are
 * full, partial, and a single lane. Inputs reach ±4, so activations run through their tails.
 */
class BlockEngineTest {

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> theBlockEngineIsTheOneSampleEngineBitForBit() {
        Random r = new Random(20261202);
        return Stream.of(
                model("simplernn-selu", 6, FixtureLayer.simpleRnn("rnn", 6, 12, "selu", true, r),
                        FixtureLayer.dense("out", 12, 3, "linear", true, r)),
                model("simplernn-tanh-seq-backwards-nobias", 6, FixtureLayer.simpleRnn("rnn", 6, 9, "tanh", false, r,
                        "return_sequences", true, "go_backwards", true), FixtureLayer.timeDistributedDense("td", 9, 2, "sigmoid", r)),
                model("lstm", 6, FixtureLayer.lstm("lstm", 6, 10, r), FixtureLayer.dense("out", 10, 4, "linear", true, r)),
                model("lstm-hard-sigmoid-relu-seq", 6, FixtureLayer.lstm("lstm", 6, 7, r, "activation", "relu",
                        "recurrent_activation", "hard_sigmoid", "return_sequences", true),
                        FixtureLayer.lstm("lstm2", 7, 5, r, "go_backwards", true)),
                model("gru-reset-after", 6, FixtureLayer.gru("gru", 6, 11, true, r), FixtureLayer.dense("out", 11, 2, "elu", true, r)),
                model("gru-reset-before-swish", 6, FixtureLayer.gru("gru", 6, 8, false, r, "activation", "swish",
                        "return_sequences", true), FixtureLayer.simpleRnn("rnn", 8, 6, "softsign", true, r)),
                model("lstm-relu-alone", 6, FixtureLayer.lstm("lstm", 6, 7, r, "activation", "relu")),
                model("lstm-hard-sigmoid-alone", 6, FixtureLayer.lstm("lstm", 6, 7, r, "recurrent_activation", "hard_sigmoid")),
                model("lstm-sequence-alone", 6, FixtureLayer.lstm("lstm", 6, 7, r, "return_sequences", true)),
                model("lstm-backwards-alone", 6, FixtureLayer.lstm("lstm", 6, 7, r, "go_backwards", true)),
                model("gru-swish-alone", 6, FixtureLayer.gru("gru", 6, 8, false, r, "activation", "swish")),
                model("gru-reset-before-alone", 6, FixtureLayer.gru("gru", 6, 8, false, r)),
                model("simplernn-softsign-alone", 6, FixtureLayer.simpleRnn("rnn", 6, 6, "softsign", true, r)),
                model("dense-only", 6, FixtureLayer.dense("d1", 6, 8, "relu", true, r), FixtureLayer.dense("d2", 8, 3, "tanh", true, r)));
    }

    private DynamicTest model(String name, int features, FixtureLayer... layers) {
        return DynamicTest.dynamicTest(name, () -> {
            Model m = KerasLoader.load(KerasFixtures.write(dir.resolve(name), name, KerasFixtures.Layout.LEGACY_K2_13,
                    new int[] {7, features}, List.of(layers)).model()).withTimesteps(7);
            Sequences x = data(257, 7, features, new Random(name.hashCode()));
            Captured one = Captured.run(new ReferenceEngine(m, Precision.FLOAT32), x, 1, t -> true);
            Captured block = Captured.run(new FloatEngine(m), x, 100, t -> true);
            RecurrentEnginesTest.assertBitIdentical(one, block, name);
        });
    }

    private static Sequences data(int n, int steps, int features, Random r) throws IOException {
        float[] v = new float[n * steps * features];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * (i % 3 == 0 ? 4 : 1));
        }
        return new Sequences("random", n, steps, features, true, v);
    }
}
