package kquant.cli;

import java.nio.file.Path;
import kquant.calibrate.Calibration;
import kquant.calibrate.CalibrationFile;
import kquant.data.DataFiles;
import kquant.data.NormalizationFile;
import kquant.data.RawData;
import kquant.data.SequenceSource;
import kquant.data.Sequences;
import kquant.model.Folding;
import kquant.model.Model;
import kquant.model.Normalization;
import kquant.model.RawUnits;
import picocli.CommandLine.Option;

/**
 * The {@code --normalization} option every command that takes data shares: with it, the data files
 * hold raw values (the physical values, or the codes' physical values) at both ends, and the command
 * runs the model with the normalization folded in ({@link Folding}).
 */
final class NormalizationArgs {

    @Option(names = "--normalization", paramLabel = "JSON", description = "The training normalization (and raw integer codes) of the "
            + "inputs and outputs, folded into the model: the data and targets then hold raw values in physical units "
            + "(README, \"Raw sensor codes in, physical units out\").")
    Path file;

    private NormalizationFile read;
    private Folding folding;
    private RawUnits units;

    /** The model the command runs: {@code model} with the normalization folded in, or {@code model} without --normalization. */
    Model apply(Model model) {
        forget();
        if (file == null) {
            return model;
        }
        read = NormalizationFile.read(file);
        try {
            folding = Folding.of(model, read.normalization());
        } catch (kquant.KquantException e) {
            throw kquant.KquantException.of("%s: %s", file, e.getMessage());
        }
        units = folding.units();
        return folding.folded();
    }

    /**
     * Reads the normalization for a command that runs {@code model} as trained, without folding it (diff
     * replays hand-port faults on the model itself); checks that it describes the model's inputs and outputs.
     *
     * @return the normalization, or null without --normalization
     */
    Normalization readFor(Model model) {
        forget();
        if (file == null) {
            return null;
        }
        read = NormalizationFile.read(file);
        Normalization n = read.normalization();
        try {
            Folding.checkFits(model, n);
        } catch (kquant.KquantException e) {
            throw kquant.KquantException.of("%s: %s", file, e.getMessage());
        }
        units = RawUnits.of(n);
        return n;
    }

    /** picocli resets the option, not what was derived from it, when the demo runs one command object again. */
    private void forget() {
        read = null;
        folding = null;
        units = null;
    }

    boolean given() {
        return file != null;
    }

    /** The folding, or null without --normalization; after {@link #apply}. */
    Folding folding() {
        return folding;
    }

    NormalizationFile normalizationFile() {
        return read;
    }

    /** The units of the folded model, or null. */
    RawUnits units() {
        return units;
    }

    /** Raw data as the model reads it: converted to its folded units with --normalization, else as it is. */
    SequenceSource input(SequenceSource data) {
        return units == null ? data : RawData.of(data, units);
    }

    /** Opens data for the model, as {@link DataFiles#open} does, in the model's units. */
    SequenceSource open(String spec, Model model) {
        return input(DataFiles.open(spec, model.inputShape()));
    }

    /**
     * Reads data for the model into memory, as {@link DataFiles#load} does, in the model's units; warns on
     * {@code err} when a declared code is too narrow for it.
     */
    Sequences load(String spec, Model model, java.io.PrintWriter err) {
        if (units == null) {
            return DataFiles.load(spec, model.inputShape());
        }
        try (SequenceSource s = open(spec, model)) {
            Sequences x = Sequences.load(s);
            DataFiles.checkFinite(x.read(0, x.count()), 0, x);
            warnNarrowCodes(s, err);
            return x;
        }
    }

    /**
     * Raw data standardized as in training, {@code (code · lsb − offset) / scale} per feature in float32, read a
     * block at a time, for a command that runs the model as trained (diff replays hand-port faults on it); as it
     * is without --normalization.
     */
    SequenceSource standardized(String spec, Model model) {
        SequenceSource raw = open(spec, model);
        return units == null ? raw : new Standardized(raw, units);
    }

    private record Standardized(SequenceSource raw, RawUnits units) implements SequenceSource {

        @Override
        public String name() {
            return raw.name();
        }

        @Override
        public kquant.data.DataShape shape() {
            return raw.shape();
        }

        @Override
        public float[] read(int start, int n) {
            float[] x = raw.read(start, n);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) units.inputs().get(i % raw.features()).standardized(x[i]);
            }
            return x;
        }

        @Override
        public void close() {
            raw.close();
        }
    }

    /** Warns, one line per input feature, when the data read through {@link #input} did not fit a declared code. */
    void warnNarrowCodes(SequenceSource source, java.io.PrintWriter err) {
        if (source instanceof Standardized s) {
            source = s.raw();
        }
        if (source instanceof RawData raw) {
            for (String w : raw.narrowCodes()) {
                err.println("warning: " + file + ": " + w + " (clipped)");
            }
            err.flush();
        }
    }

    /**
     * The calibration at {@code path}, checked against the model and this normalization (a calibration made
     * with one is refused without it, and the reverse).
     *
     * @param model  the model as {@link #apply} returned it
     */
    Calibration calibration(Path path, Model model) {
        return folding == null ? CalibrationFile.read(path, model, null, null)
                : CalibrationFile.read(path, folding.original(), folding, read);
    }
}
