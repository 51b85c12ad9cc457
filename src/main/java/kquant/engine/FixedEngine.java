package kquant.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import kquant.fixed.Fixed;
import kquant.fixed.Format;
import kquant.fixed.Kernels;
import kquant.fixed.QActivation;
import kquant.fixed.QDense;
import kquant.fixed.QLayer;
import kquant.fixed.QReshape;
import kquant.fixed.QSimpleRnn;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;

/**
 * The Q15/Q7 integer engine: the bit-exact specification of the exported C. It quantizes the
 * input (round half up, saturate), then runs the integer kernels layer by layer, mirroring
 * {@link FloatEngine} stage by stage and recording the same tensor names.
 */
public final class FixedEngine implements Engine {

    private final QuantizedModel q;

    public FixedEngine(QuantizedModel q) {
        this.q = q;
    }

    public QuantizedModel quantized() {
        return q;
    }

    @Override
    public String name() {
        return q.scheme().cliName();
    }

    /** Everything one run produced. Codes are {@code [step][unit]}. */
    public record Result(int[][] outputCodes, double[][] output, Trace trace, Map<String, int[][]> codes, Saturations saturations) {
    }

    @Override
    public double[][] run(double[][] sample) {
        return run(sample, false).output();
    }

    @Override
    public Trace trace(double[][] sample) {
        return run(sample, true).trace();
    }

    /** Quantizes {@code sample} with the input format, then runs. */
    public Result run(double[][] sample, boolean record) {
        Saturations sats = new Saturations();
        int[][] codes = new int[sample.length][];
        for (int t = 0; t < sample.length; t++) {
            codes[t] = new int[sample[t].length];
            for (int i = 0; i < codes[t].length; i++) {
                long c = Fixed.quantizeUnclamped(sample[t][i], q.inputFrac());
                if (Fixed.saturates(c, q.scheme().activations())) {
                    sats.add("input", t, 1);
                }
                codes[t][i] = Fixed.saturate(c, q.scheme().activations());
            }
            sats.add("input", t, 0);
        }
        return runCodes(codes, record, sats);
    }

    /** Runs from input codes, as the C step function receives them. */
    public Result runCodes(int[][] inputCodes, boolean record) {
        return runCodes(inputCodes, record, new Saturations());
    }

    private Result runCodes(int[][] inputCodes, boolean record, Saturations sats) {
        Recorder rec = record ? new Recorder() : null;
        if (rec != null) {
            rec.put("input", inputCodes, Format.of(q.inputFrac()));
        }
        int[][] v = inputCodes;
        for (QLayer layer : q.layers()) {
            v = apply(layer, v, rec, sats);
        }
        double[][] out = new double[v.length][];
        for (int t = 0; t < v.length; t++) {
            out[t] = dequantize(v[t], q.outputFrac());
        }
        return new Result(v, out, rec == null ? null : rec.trace.build(), rec == null ? null : rec.codes, sats);
    }

    private int[][] apply(QLayer layer, int[][] in, Recorder rec, Saturations sats) {
        if (layer instanceof QSimpleRnn p) {
            return simpleRnn(p, in, rec, sats);
        }
        if (layer instanceof QDense p) {
            Kernels.Scratch s = new Kernels.Scratch(p.units());
            int[][] out = new int[in.length][];
            for (int t = 0; t < in.length; t++) {
                out[t] = new int[p.units()];
                Kernels.dense(in[t], out[t], p, s);
                sats.add(p.name() + "/preact", t, s.preactSaturations);
                sats.add(p.name() + "/output", t, s.outputSaturations);
                if (rec != null) {
                    rec.step(p.name() + "/preact", s.preact, Format.of(p.fZ()));
                    rec.step(p.name() + "/output", out[t], Format.of(p.fOut()));
                }
            }
            return out;
        }
        int[][] out;
        if (layer instanceof QActivation a) {
            Kernels.Scratch s = new Kernels.Scratch(0);
            out = new int[in.length][];
            for (int t = 0; t < in.length; t++) {
                out[t] = new int[in[t].length];
                s.outputSaturations = 0;
                Kernels.activate(in[t], out[t], in[t].length, a.kernel(), s);
                sats.add(a.name() + "/output", t, s.outputSaturations);
            }
        } else {
            out = reshape((QReshape) layer, in);
        }
        if (rec != null) {
            rec.put(layer.name() + "/output", out, Format.of(layer.fOut()));
        }
        return out;
    }

    private int[][] simpleRnn(QSimpleRnn p, int[][] x, Recorder rec, Saturations sats) {
        int units = p.units();
        int steps = x.length;
        int[] h = new int[units];
        int[] hNext = new int[units];
        int[][] sequence = p.returnSequences() ? new int[steps][] : null;
        Kernels.Scratch s = new Kernels.Scratch(units);
        for (int k = 0; k < steps; k++) {
            Kernels.simpleRnnStep(x[p.goBackwards() ? steps - 1 - k : k], h, hNext, p, s);
            int[] old = h;
            h = hNext;
            hNext = old;
            if (sequence != null) {
                sequence[k] = h.clone();
            }
            sats.add(p.name() + "/preact", k, s.preactSaturations);
            sats.add(p.name() + "/state", k, s.outputSaturations);
            if (rec != null) {
                String n = p.name() + "/";
                double[] in = new double[units];
                double[] re = new double[units];
                for (int j = 0; j < units; j++) {
                    in[j] = Fixed.dequantize(s.inputPart[j], p.fIn() + p.kernel().format().at(j));
                    re[j] = Fixed.dequantize(s.recurrentPart[j], p.fOut() + p.recurrent().format().at(j));
                }
                rec.trace.step(n + "input_part", in);
                rec.trace.step(n + "recurrent_part", re);
                rec.step(n + "preact", s.preact, Format.of(p.fZ()));
                rec.step(n + "state", h, Format.of(p.fOut()));
            }
        }
        return sequence != null ? sequence : new int[][] {h.clone()};
    }

    private static int[][] reshape(QReshape r, int[][] in) {
        switch (r.kind()) {
            case FLATTEN: {
                int f = in[0].length;
                int[] flat = new int[in.length * f];
                for (int t = 0; t < in.length; t++) {
                    System.arraycopy(in[t], 0, flat, t * f, f);
                }
                return new int[][] {flat};
            }
            case REPEAT: {
                int[][] out = new int[r.times()][];
                for (int t = 0; t < r.times(); t++) {
                    out[t] = in[0].clone();
                }
                return out;
            }
            default:
                return in;
        }
    }

    private static double[] dequantize(int[] codes, int f) {
        double[] d = new double[codes.length];
        for (int i = 0; i < codes.length; i++) {
            d[i] = Fixed.dequantize(codes[i], f);
        }
        return d;
    }

    /** Records the trace in real units and the codes behind it. */
    private static final class Recorder {
        final Trace.Recorder trace = new Trace.Recorder();
        final Map<String, int[][]> codes = new LinkedHashMap<>();
        private final Map<String, java.util.List<int[]>> steps = new LinkedHashMap<>();

        void put(String name, int[][] values, Format f) {
            double[][] d = new double[values.length][];
            int[][] c = new int[values.length][];
            for (int t = 0; t < values.length; t++) {
                d[t] = dequantize(values[t], f.bits());
                c[t] = values[t].clone();
            }
            trace.put(name, d);
            codes.put(name, c);
        }

        void step(String name, int[] values, Format f) {
            trace.step(name, dequantize(values, f.bits()));
            java.util.List<int[]> l = steps.computeIfAbsent(name, k -> new java.util.ArrayList<>());
            l.add(values.clone());
            codes.put(name, l.toArray(new int[0][]));
        }
    }

    /** The storage scheme of this engine. */
    public Scheme scheme() {
        return q.scheme();
    }
}
