package kquant.fuzz;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import kquant.KquantException;
import kquant.Numbers;
import kquant.data.DataFiles;
import kquant.data.Npy;
import kquant.data.Sequences;
import kquant.keras.KerasLoader;
import kquant.model.Model;
import kquant.model.Shape;

/**
 * The real files the fuzzer starts from, one kind of input each: the bundled demo's model, data,
 * calibration and a port's states and trace; the same data as CSV and as an HDF5 dataset; and,
 * when present, keras-zoo's SimpleRNN models. Derived files are written into a folder of their own.
 */
public final class Sources {

    /** Samples of the demo data the cases run on: enough to use every format, few enough to be quick. */
    static final int SAMPLES = 24;

    private final Path base;

    /** @param base  a folder for the derived files */
    public Sources(Path base) {
        this.base = base;
    }

    /**
     * The demo's inputs: the model ({@code .h5}, and its config as a weights-only JSON), the data
     * as {@code .npy}, CSV and HDF5 dataset, the q15 calibration, and a port's states as {@code .npy}
     * and as a trace CSV, each with the command that reads it.
     */
    public List<Source> demo(Path demoDir, Path calibration, Fuzzer.Runner runner) throws IOException {
        Path model = copy(demoDir.resolve("model.h5"), "model.h5");
        Model m = KerasLoader.load(model);
        Sequences x = DataFiles.load(demoDir.resolve("test_X.npy").toString(), m.inputShape()).slice(0, SAMPLES);
        Path npy = npy(base.resolve("x.npy"), x);
        List<Source> out = new ArrayList<>();
        out.add(model("hdf5 model", model, null, npy));
        Path config = Files.writeString(base.resolve("config.json"), Hdf5Regions.modelConfig(model));
        out.add(text("json config", config, true, (in, o) -> predict(model.toString(), npy, o, "--config", in.toString())));
        out.add(binary("npy data", npy, true, npyRegions(npy), 128, (in, o) -> predict(model.toString(), in, o)));
        Path csv = Files.writeString(base.resolve("x.csv"), csv(x));
        out.add(text("csv data", csv, false, (in, o) -> predict(model.toString(), in, o)));
        Path h5 = hdf5(base.resolve("x.h5"), x);
        out.add(binary("hdf5 data", h5, true, Hdf5Regions.of(h5, Files.readAllBytes(h5)), 2048,
                (in, o) -> predict(model.toString(), Path.of(in + ":/x"), o)));
        Path cal = copy(calibration, "q15.json");
        out.add(text("calibration json", cal, true, (in, o) -> predict(model.toString(), npy, o, "--engine", "q15", "--calibration", in.toString())));
        Path states = base.resolve("states.npy");
        try (var s = Npy.open(demoDir.resolve("reference_test_state_simple_rnn.npy"))) {
            npy(states, new Sequences("states", SAMPLES, s.timesteps(), s.features(), true, s.read(0, SAMPLES)));
        }
        out.add(binary("npy actual (diff)", states, true, npyRegions(states), 128, (in, o) -> diff(model, npy, in)));
        Path traces = base.resolve("trace");
        Fuzzer.Result r = runner.run("predict", model.toString(), "--data", npy.toString(), "--out", base.resolve("y.npy").toString(),
                "--trace", traces.toString());
        if (r.code() != 0) {
            throw new IllegalStateException("predict --trace failed: " + r.err());
        }
        Path trace = copy(traces.resolve("simple_rnn.state.csv"), "state.csv");
        out.add(text("csv trace (diff)", trace, false, (in, o) -> diff(model, npy, in)));
        return out;
    }

    /** keras-zoo's files that kquant loads, each run on synthetic data shaped for it. */
    public List<Source> zoo(Path zoo) throws IOException {
        List<Source> out = new ArrayList<>();
        List<Path> files;
        try (var s = Files.list(zoo)) {
            files = s.filter(p -> p.toString().endsWith(".h5") || p.toString().endsWith(".keras")).sorted().toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            Path full = f.resolveSibling(name.replace(".weights.h5", ".h5"));
            try {
                if (name.endsWith(".weights.h5") && Files.exists(full)) {
                    // a weights-only file, with the config of the full model saved beside it
                    Path config = Files.writeString(base.resolve(name + ".json"), Hdf5Regions.modelConfig(full));
                    out.add(model("hdf5 weights-only", copy(f, name), config, null));
                } else {
                    out.add(model(name.endsWith(".keras") ? "keras zip" : "hdf5 model", copy(f, name), null, null));
                }
            } catch (KquantException e) {
                // a file kquant refuses whole (LSTM, GRU, no config) has no answer to compare with
            }
        }
        return out;
    }

    /**
     * A model file (with its JSON config for a weights-only file) run through {@code predict} on
     * synthetic data; its kind is {@code kind}.
     */
    public Source model(String kind, Path file, Path config, Path data) throws IOException {
        Model m = KerasLoader.load(file, config);
        Path x = data != null ? data : synthetic(m, file);
        byte[] bytes = Files.readAllBytes(file);
        boolean zip = bytes.length > 1 && bytes[0] == 'P' && bytes[1] == 'K';
        Regions regions = zip ? new Regions() : Hdf5Regions.of(file, bytes);
        String[] extra = config == null ? new String[0] : new String[] {"--config", config.toString()};
        return new Source(kind, file.getFileName().toString(), bytes, regions, true, false, Source.blockBoundaries(bytes.length, 96),
                zip ? 128 : 2048, command((in, o) -> predict(in.toString(), x, o, extra)));
    }

    private Source binary(String kind, Path file, boolean container, Regions regions, long headerEnd, Args args) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return new Source(kind, file.getFileName().toString(), bytes, regions, container, false,
                Source.blockBoundaries(bytes.length, headerEnd), headerEnd, command(args));
    }

    /** A text file: JSON (every byte a value) or CSV (numbers are float data, the rest values). */
    private Source text(String kind, Path file, boolean json, Args args) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Regions regions = new Regions().mark(0, bytes.length, Regions.Type.VALUE);
        if (!json) {
            for (int i = 0; i < bytes.length; i++) {
                byte c = bytes[i];
                if ((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'e' || c == 'E' || c == '+') {
                    regions.mark(i, i + 1, Regions.Type.FLOAT_DATA);
                }
            }
        }
        int firstLine = Math.max(1, new String(bytes, StandardCharsets.ISO_8859_1).indexOf('\n'));
        return new Source(kind, file.getFileName().toString(), bytes, regions, false, json, Source.lineEnds(bytes),
                json ? bytes.length : firstLine, command(args));
    }

    private interface Args {
        String[] of(Path input, Path out);
    }

    /** A command whose answer is {@code out/y.npy} for predict, and what it prints for diff. */
    private static Source.Command command(Args args) {
        return new Source.Command() {
            public String[] args(Path input, Path out) {
                return args.of(input, out);
            }

            public String answerFile() {
                return args.of(Path.of("in"), Path.of("out"))[0].equals("predict") ? "y.npy" : null;
            }
        };
    }

    private static String[] predict(String model, Path data, Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("predict", model, "--data", data.toString(), "--out", out.resolve("y.npy").toString()));
        a.addAll(List.of(extra));
        return a.toArray(new String[0]);
    }

    private static String[] diff(Path model, Path data, Path actual) {
        return new String[] {"diff", model.toString(), "--data", data.toString(), "--actual", actual.toString()};
    }

    /** An .npy file: its magic and length are structure, its header dict values, the rest float data. */
    private static Regions npyRegions(Path file) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            Npy.Header h = Npy.header(ch, file.toString());
            return new Regions().mark(10, h.dataOffset() - 1, Regions.Type.VALUE)
                    .mark(h.dataOffset(), ch.size(), Regions.Type.FLOAT_DATA);
        }
    }

    private Path synthetic(Model m, Path file) throws IOException {
        Shape in = m.inputShape();
        int steps = in.sequence() ? (in.knownLength() ? in.timesteps() : 5) : 1;
        Random r = new Random(file.getFileName().toString().hashCode());
        float[] v = new float[SAMPLES * steps * in.features()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.max(-3, Math.min(3, r.nextGaussian()));
        }
        return npy(base.resolve("x_" + file.getFileName() + ".npy"), new Sequences("x", SAMPLES, steps, in.features(), in.sequence(), v));
    }

    private static Path npy(Path file, Sequences x) throws IOException {
        float[] f = x.read(0, x.count());
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        int[] shape = x.sequence() ? new int[] {x.count(), x.timesteps(), x.features()} : new int[] {x.count(), x.features()};
        try (OutputStream o = Files.newOutputStream(file)) {
            Npy.write(o, Npy.Dtype.FLOAT32, shape, d);
        }
        return file;
    }

    /** One row per sample, its values timestep-major, as numpy.savetxt writes them. */
    private static String csv(Sequences x) {
        StringBuilder sb = new StringBuilder();
        float[] v = x.read(0, x.count());
        for (int k = 0; k < v.length; k++) {
            sb.append(Numbers.format(v[k], Numbers.FLOAT32_DIGITS)).append((k + 1) % x.sampleSize() == 0 ? "\n" : ",");
        }
        return sb.toString();
    }

    private static Path hdf5(Path file, Sequences x) {
        float[][][] v = new float[x.count()][x.timesteps()][x.features()];
        for (int i = 0; i < x.count(); i++) {
            for (int t = 0; t < x.timesteps(); t++) {
                for (int f = 0; f < x.features(); f++) {
                    v[i][t][f] = x.value(i, t, f);
                }
            }
        }
        try (WritableHdfFile w = HdfFile.write(file)) {
            w.putDataset("x", v);
        }
        return file;
    }

    private Path copy(Path from, String name) throws IOException {
        return Files.copy(from, base.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static String describe(Source s) {
        return String.format(Locale.ROOT, "%s (%s, %d bytes)", s.kind(), s.fileName(), s.original().length);
    }
}
