package kquant.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import kquant.KquantException;

/**
 * The bundled demo models in a kquant checkout: the seed SimpleRNN in {@code calibration/demo/},
 * and an LSTM and a GRU trained on the same windows in its {@code lstm/} and {@code gru/} folders.
 * All three read the data files of {@code calibration/demo/}.
 *
 * @param name    as {@code --model} spells it
 * @param stem    what its calibrations, exports and report are named after: {@code demo}, {@code demo-lstm}, ...
 */
record DemoPaths(String name, String stem, Path model, Path referenceY, Path trainX, Path testX, Path testY) {

    /** The names {@code kquant demo --model} takes, in the order the demo runs them. */
    static final List<String> MODELS = List.of("simplernn", "lstm", "gru");

    static DemoPaths of(Path dir, String name) {
        Path home = name.equals("simplernn") ? dir : dir.resolve(name);
        DemoPaths p = new DemoPaths(name, name.equals("simplernn") ? "demo" : "demo-" + name, home.resolve("model.h5"),
                home.resolve("reference_test_Y.npy"), dir.resolve("train_X.npy"), dir.resolve("test_X.npy"), dir.resolve("test_Y.npy"));
        if (!Files.isRegularFile(p.model)) {
            throw KquantException.of("%s: demo model not found; run kquant from the repository root or pass --demo-dir", p.model);
        }
        return p;
    }

    /** The C prefix of one scheme's export: {@code demo_q15}, {@code demo_lstm_q15}, ... */
    String prefix(String scheme) {
        return stem.replace('-', '_') + "_" + scheme;
    }
}
