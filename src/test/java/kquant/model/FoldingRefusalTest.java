package kquant.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import kquant.KquantException;
import kquant.fixtures.FixtureLayer;
import kquant.fixtures.KerasFixtures;
import kquant.keras.KerasLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What cannot fold is refused, naming the layer or the count at fault. */
class FoldingRefusalTest {

    @TempDir
    Path dir;

    private Model model(String name, List<FixtureLayer> layers) throws IOException {
        return KerasLoader.load(KerasFixtures.write(dir, name, KerasFixtures.Layout.LEGACY_K2_13, new int[] {4, 2}, layers).model());
    }

    private static Normalization normalization(int inputs, int outputs) {
        List<Normalization.Feature> in = java.util.stream.IntStream.range(0, inputs)
                .mapToObj(k -> new Normalization.Feature("in" + k, "", 1, 2, null)).toList();
        List<Normalization.Feature> out = java.util.stream.IntStream.range(0, outputs)
                .mapToObj(k -> new Normalization.Feature("out" + k, "", 1, 2, null)).toList();
        return new Normalization(in, out);
    }

    private static String refusal(Model m, Normalization n) {
        return assertThrows(KquantException.class, () -> Folding.of(m, n)).getMessage();
    }

    @Test
    void aNonLinearLayerBeforeTheFirstWeightedLayerIsNamed() throws IOException {
        Random r = new Random(1);
        Model m = model("tanh_first", List.of(FixtureLayer.plain("Activation", "squash", "activation", "tanh"),
                FixtureLayer.simpleRnn("rnn", 2, 3, "tanh", true, r), FixtureLayer.dense("out", 3, 1, "linear", true, r)));
        assertEquals("layer squash (Activation tanh) lies between the input and the first weighted layer: the input normalization "
                + "folds only through layers that pass values on unchanged", refusal(m, normalization(2, 1)));
    }

    @Test
    void outputsFoldOnlyIntoALinearDenseAtTheEnd() throws IOException {
        Random r = new Random(2);
        Model lstmLast = model("lstm_last", List.of(FixtureLayer.lstm("lstm", 2, 3, r)));
        assertEquals("layer lstm (LSTM) comes after the last Dense: the output denormalization folds only into a Dense at the end of the model",
                refusal(lstmLast, normalization(2, 3)));
        Model tanhDense = model("tanh_dense", List.of(FixtureLayer.simpleRnn("rnn", 2, 3, "tanh", true, r),
                FixtureLayer.dense("out", 3, 1, "tanh", true, r)));
        assertEquals("layer out (Dense, activation tanh): the output denormalization folds only into a last Dense with a linear activation",
                refusal(tanhDense, normalization(2, 1)));
        // inputs alone fold into either
        assertEquals(3, Folding.of(lstmLast, normalization(2, 0)).folded().outputShape().features());
    }

    @Test
    void countsThatDoNotFitTheModelAreNamed() throws IOException {
        Random r = new Random(3);
        Model m = model("counts", List.of(FixtureLayer.simpleRnn("rnn", 2, 3, "tanh", true, r), FixtureLayer.dense("out", 3, 1, "linear", true, r)));
        assertEquals("the normalization describes 3 inputs, but model counts.h5 takes 2 features per timestep", refusal(m, normalization(3, 1)));
        assertEquals("the normalization describes 2 outputs, but model counts.h5 gives 1", refusal(m, normalization(2, 2)));
    }
}
