package kquant.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import kquant.KquantException;

/** Where the bundled demo lives in a kquant checkout. */
final class DemoPaths {

    final Path model;
    final Path trainX;
    final Path testX;
    final Path testY;
    final Path referenceY;

    DemoPaths(Path dir) {
        this.model = dir.resolve("model.h5");
        this.trainX = dir.resolve("train_X.npy");
        this.testX = dir.resolve("test_X.npy");
        this.testY = dir.resolve("test_Y.npy");
        this.referenceY = dir.resolve("reference_test_Y.npy");
        if (!Files.isRegularFile(model)) {
            throw KquantException.of("%s: demo model not found; run kquant from the repository root or pass --demo-dir", model);
        }
    }
}
