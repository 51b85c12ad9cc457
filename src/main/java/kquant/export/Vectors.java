package kquant.export;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import kquant.data.Sequences;
import kquant.engine.FixedEngine;
import kquant.fixed.QRawIo;
import kquant.fixed.QRecurrent;
import kquant.fixed.Storage;

/**
 * Test vectors: input codes and the Java integer engine's expected codes for every output and
 * every recurrent state at every step, and the saturation count, as a little-endian binary file
 * the generated test main reads ({@code <prefix>_vectors.bin}).
 *
 * <p>Layout: "KQV1", then uint32 sequences, steps, features, output rows, output units, bytes per
 * code, recurrent layers and each one's units; then per sequence: the input codes (steps ×
 * features), each recurrent layer's states (steps × units), the output codes (rows × units), and
 * the saturation count (uint32).
 *
 * <p>For a model with its normalization folded in ({@link Plan#raw}), "KQV2": the same, then uint32
 * bytes per input code and per output code, the inputs being the raw codes the C converts and the
 * outputs the declared codes it returns; the saturation count includes those conversions' clips.
 */
final class Vectors {

    /** One sequence and what the integer engine made of it. */
    record Case(int[][] input, List<int[][]> states, int[][] output, long saturations) {
    }

    private Vectors() {
        throw new AssertionError("No instances of Vectors");
    }

    /**
     * The cases: every sample of {@code data} (quantized as the engine does), then {@code random}
     * sequences of random codes at four scales, from a sixteenth of the range to four times it
     * (clipped), so that rounding near zero and every saturation path are exercised.
     */
    static List<Case> build(Plan plan, FixedEngine engine, Sequences data, int random, int steps, long seed) {
        List<String> recurrent = new ArrayList<>();
        for (Plan.Step s : plan.steps) {
            if (s.layer() instanceof QRecurrent r) {
                recurrent.add(r.name() + "/state");
            }
        }
        int n = (data == null ? 0 : data.count()) + random;
        Case[] cases = new Case[n];
        Storage type = plan.scheme.activations();
        int features = plan.q.model().inputShape().features();
        QRawIo io = plan.raw;
        boolean rawIn = io != null && io.inputCodes();
        IntStream.range(0, n).parallel().forEach(i -> {
            FixedEngine.Result r;
            int[][] rawCodes = null;
            long clips = 0;
            if (rawIn) {
                rawCodes = data != null && i < data.count() ? rawCodes(io, data.sample(i)) : randomRawCodes(io, steps, features, seed + i, i % 4);
                int[][] codes = new int[rawCodes.length][features];
                for (int t = 0; t < codes.length; t++) {
                    for (int f = 0; f < features; f++) {
                        codes[t][f] = io.inputCode(f, rawCodes[t][f]);
                        clips += io.inputSaturates(f, rawCodes[t][f]) ? 1 : 0;
                    }
                }
                r = engine.runCodes(codes, true);
            } else if (data != null && i < data.count()) {
                r = engine.run(data.sample(i), true);
            } else {
                SplittableRandom rnd = new SplittableRandom(seed + i);
                double scale = new double[] {1.0 / 16, 0.25, 1, 4}[i % 4];
                int[][] codes = new int[steps][features];
                for (int[] row : codes) {
                    for (int f = 0; f < features; f++) {
                        double g = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
                        row[f] = (int) Math.max(type.minCode(), Math.min(type.maxCode(), Math.round(g * scale * type.maxMagnitude())));
                    }
                }
                r = engine.runCodes(codes, true);
            }
            List<int[][]> states = new ArrayList<>();
            for (String name : recurrent) {
                states.add(r.codes().get(name));
            }
            long sats = r.saturations().total() - r.saturations().total("input") + clips;
            int[][] output = r.outputCodes();
            if (io != null && io.outputCodes()) {
                output = new int[output.length][];
                for (int t = 0; t < output.length; t++) {
                    output[t] = new int[r.outputCodes()[t].length];
                    for (int j = 0; j < output[t].length; j++) {
                        output[t][j] = io.outputCode(j, r.outputCodes()[t][j]);
                        sats += io.outputSaturates(j, r.outputCodes()[t][j]) ? 1 : 0;
                    }
                }
            }
            cases[i] = new Case(rawIn ? rawCodes : r.codes().get("input"), states, output, sats);
        });
        return List.of(cases);
    }

    /**
     * A data sample's raw codes: each folded value back to its code, {@code r = v · 2^-e + C}, exact
     * (the data was read through kquant.data.RawData, which made the values from whole codes).
     */
    private static int[][] rawCodes(QRawIo io, double[][] sample) {
        int[][] codes = new int[sample.length][sample[0].length];
        for (int t = 0; t < sample.length; t++) {
            for (int f = 0; f < sample[t].length; f++) {
                codes[t][f] = (int) Math.round(io.units().inputs().get(f).unfolded(sample[t][f]));
            }
        }
        return codes;
    }

    /**
     * Random raw codes that the conversion takes to Gaussian activation codes at scale {@code 1/16,
     * 1/4, 1, 4} of their range (by {@code kind}), clipped to the declared code's width: every rounding
     * and saturation path of the conversion and of the model is met.
     */
    private static int[][] randomRawCodes(QRawIo io, int steps, int features, long seed, int kind) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double scale = new double[] {1.0 / 16, 0.25, 1, 4}[kind];
        int[][] codes = new int[steps][features];
        for (int[] row : codes) {
            for (int f = 0; f < features; f++) {
                double g = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
                kquant.model.Normalization.Code code = io.units().inputs().get(f).feature().code();
                double raw = Math.scalb(g * scale * io.activations().maxMagnitude(), -io.inputFrac(f)) + io.inputOffset(f);
                row[f] = (int) Math.max(code.minCode(), Math.min(code.maxCode(), Math.round(raw)));
            }
        }
        return codes;
    }

    static void write(OutputStream out, Plan plan, List<Case> cases) throws IOException {
        Case first = cases.get(0);
        int bytes = plan.scheme.activations().bytes();
        boolean raw = plan.raw != null;
        int inputBytes = raw && plan.raw.inputCodes() ? plan.raw.inputType().bytes() : bytes;
        int outputBytes = raw && plan.raw.outputCodes() ? plan.raw.outputType().bytes() : bytes;
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write(new byte[] {'K', 'Q', 'V', (byte) (raw ? '2' : '1')});
        int[] fields = {cases.size(), first.input().length, first.input()[0].length, first.output().length, first.output()[0].length,
            bytes, first.states().size()};
        for (int f : fields) {
            header.write(u32(f));
        }
        for (int[][] s : first.states()) {
            header.write(u32(s[0].length));
        }
        if (raw) {
            header.write(u32(inputBytes));
            header.write(u32(outputBytes));
        }
        out.write(header.toByteArray());
        for (Case c : cases) {
            ByteBuffer b = ByteBuffer.allocate(size(c, bytes, inputBytes, outputBytes)).order(ByteOrder.LITTLE_ENDIAN);
            put(b, c.input(), inputBytes);
            for (int[][] s : c.states()) {
                put(b, s, bytes);
            }
            put(b, c.output(), outputBytes);
            b.putInt((int) c.saturations());
            out.write(b.array());
        }
    }

    private static int size(Case c, int bytes, int inputBytes, int outputBytes) {
        int n = 0;
        for (int[][] s : c.states()) {
            n += count(s);
        }
        return n * bytes + count(c.input()) * inputBytes + count(c.output()) * outputBytes + 4;
    }

    private static int count(int[][] v) {
        int n = 0;
        for (int[] row : v) {
            n += row.length;
        }
        return n;
    }

    private static void put(ByteBuffer b, int[][] v, int bytes) {
        for (int[] row : v) {
            for (int x : row) {
                if (bytes == 2) {
                    b.putShort((short) x);
                } else {
                    b.put((byte) x);
                }
            }
        }
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
