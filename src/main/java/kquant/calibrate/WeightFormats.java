package kquant.calibrate;

import java.util.LinkedHashMap;
import java.util.Map;
import kquant.fixed.Fixed;
import kquant.fixed.Format;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.fixed.Storage;
import kquant.model.Dense;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.Recurrent;
import kquant.model.Tensor;

/**
 * Formats of the weights, which need no data: the finest format that holds each tensor's (or
 * each unit's) largest magnitude, made coarser where the accumulator policy asks for int32.
 */
final class WeightFormats {

    private WeightFormats() {
        throw new AssertionError("No instances of WeightFormats");
    }

    static Map<String, Format> choose(Model model, Scheme scheme, boolean perUnit, AccumulatorPolicy policy) {
        Map<String, Format> out = new LinkedHashMap<>();
        for (Layer l : model.layers()) {
            String n = l.name() + "/";
            if (l instanceof Recurrent r) {
                out.put(n + "kernel", matrix(r.kernel(), scheme, perUnit, policy));
                out.put(n + "recurrent_kernel", matrix(r.recurrentKernel(), scheme, perUnit, policy));
                if (r.useBias()) {
                    out.put(n + "bias", vector(r.bias(), scheme.weights(), perUnit));
                }
            } else if (l instanceof Dense d) {
                out.put(n + "kernel", matrix(d.kernel(), scheme, perUnit, policy));
                if (d.useBias()) {
                    out.put(n + "bias", vector(d.bias(), scheme.weights(), perUnit));
                }
            }
        }
        return out;
    }

    /**
     * A kernel {@code (inputs, units)}. Under {@link AccumulatorPolicy#INT32} unit j's format
     * satisfies {@code Σ_i |code(i, j)| · 2^(bits-1) <= 2^31 - 1}, checked on the rounded codes.
     */
    private static Format matrix(Tensor k, Scheme scheme, boolean perUnit, AccumulatorPolicy policy) {
        Storage type = scheme.weights();
        int units = k.dim(1);
        int[] f = new int[units];
        for (int j = 0; j < units; j++) {
            double maxAbs = 0;
            for (int i = 0; i < k.dim(0); i++) {
                maxAbs = Math.max(maxAbs, Math.abs(k.get(i, j)));
            }
            f[j] = Math.min(QuantizedModel.MAX_FRAC_BITS, Fixed.fracBitsFor(perUnit ? maxAbs : k.maxAbs(), type));
            if (policy == AccumulatorPolicy.INT32) {
                while (rowBound(k, j, f[j], type, scheme.activations()) > Integer.MAX_VALUE) {
                    f[j]--;
                }
            }
        }
        if (perUnit) {
            return Format.perUnit(f);
        }
        return Format.of(java.util.Arrays.stream(f).min().orElseThrow());
    }

    private static long rowBound(Tensor k, int j, int f, Storage type, Storage inputType) {
        long sum = 0;
        for (int i = 0; i < k.dim(0); i++) {
            sum += Math.abs(Fixed.quantize(k.get(i, j), f, type));
        }
        return sum * inputType.maxMagnitude();
    }

    private static Format vector(Tensor b, Storage type, boolean perUnit) {
        if (!perUnit) {
            return Format.of(Math.min(QuantizedModel.MAX_FRAC_BITS, Fixed.fracBitsFor(b.maxAbs(), type)));
        }
        int[] f = new int[b.size()];
        for (int j = 0; j < f.length; j++) {
            f[j] = Math.min(QuantizedModel.MAX_FRAC_BITS, Fixed.fracBitsFor(Math.abs(b.get(j)), type));
        }
        return Format.perUnit(f);
    }
}
