package kquant.diagnose;

import java.util.ArrayList;
import java.util.List;
import kquant.model.Gru;

/**
 * One GRU replayed in float32, in the reference engine's order ({@code mx = x·W + b_in},
 * {@code mh = h·U + b_rec}, {@code z, r = σ(mx + mh)}, then the candidate hh and
 * {@code h = z·h + (1 - z)·hh}), as hand ports loop: z and r of every unit first, then unit by
 * unit hh and the new h. With the state updated in place, that second loop reads h while it
 * overwrites it. Misread weights come from {@link PortWeights}, swapped activations from
 * {@link Variant}.
 */
final class FaultyGru {

    private final Gru layer;
    private final Variant variant;
    private final PortWeights weights;
    /** The reset_after kind the port computes, which a fault may make the other one. */
    private final boolean portResetAfter;

    FaultyGru(Gru layer, Variant variant) {
        this.layer = layer;
        this.variant = variant;
        this.weights = PortWeights.of(layer, variant);
        this.portResetAfter = variant.is(Fault.GRU_RESET_BEFORE) ? false : variant.is(Fault.GRU_RESET_AFTER) || layer.resetAfter();
    }

    /** h after every step of {@code x} (already in processing order), from the state h. */
    FaultyForward.Run run(List<float[]> x, float[] h) {
        int u = layer.units();
        boolean inPlace = variant.is(Fault.STATE_UPDATED_IN_PLACE);
        List<float[]> hs = new ArrayList<>();
        for (float[] xt : x) {
            float[] hRead = inPlace ? h : h.clone();
            float[] hNew = inPlace ? h : new float[u];
            float[][] zr = new float[2][u];
            for (int g = 0; g < 2; g++) {
                for (int j = 0; j < u; j++) {
                    int col = g * u + j;
                    float mx = weights.inputDot(xt, col) + weights.inputBias()[col];
                    float mh = weights.recurrentDot(hRead, col) + weights.recurrentBias()[col];
                    zr[g][j] = variant.gateAct(layer.recurrentActivation(), mx + mh);
                }
            }
            float[] z = zr[0];
            float[] r = zr[1];
            for (int j = 0; j < u; j++) {
                int col = 2 * u + j;
                float mx = weights.inputDot(xt, col) + weights.inputBias()[col];
                float rec;
                if (portResetAfter) {
                    rec = r[j] * (weights.recurrentDot(hRead, col) + weights.recurrentBias()[col]);
                } else {
                    rec = resetStateDot(r, hRead, col);
                    if (layer.resetAfter()) {
                        rec = rec + weights.recurrentBias()[col]; // GRU_RESET_BEFORE keeps the recurrent bias, outside r
                    }
                }
                float hh = variant.act(layer.activation(), mx + rec);
                hNew[j] = variant.is(Fault.GRU_Z_SWAPPED) ? (1f - z[j]) * hRead[j] + z[j] * hh : z[j] * hRead[j] + (1f - z[j]) * hh;
            }
            h = hNew;
            hs.add(h.clone());
        }
        return new FaultyForward.Run(hs, null);
    }

    /** Column {@code col} of (r·h)·U, summed in unit order. */
    private float resetStateDot(float[] r, float[] h, int col) {
        float[] u = weights.u();
        int width = 3 * layer.units();
        float acc = 0f;
        for (int k = 0; k < h.length; k++) {
            acc += (r[k] * h[k]) * u[k * width + col];
        }
        return acc;
    }
}
