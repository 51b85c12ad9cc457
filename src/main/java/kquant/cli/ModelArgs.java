package kquant.cli;

import java.nio.file.Path;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The model argument every command takes: the Keras file, and its JSON config for a weights-only file. */
final class ModelArgs {

    @Parameters(index = "0", paramLabel = "MODEL", description = "Keras model: .h5, .keras, or a weights-only .h5 with --config.")
    Path model;

    @Option(names = "--config", paramLabel = "JSON", description = "The model's JSON config (model.to_json()), for a weights-only MODEL.")
    Path config;

    Model load() {
        return KerasLoader.load(model, config);
    }
}
