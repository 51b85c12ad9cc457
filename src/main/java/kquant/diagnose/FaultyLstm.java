package kquant.diagnose;

import java.util.ArrayList;
import java.util.List;
import kquant.model.Lstm;

/**
 * One LSTM replayed in float32, in the reference engine's order ({@code a = (x·W + h·U) + b},
 * {@code c = f·c + i·g}, {@code h = o·act(c)}), unit by unit as hand ports loop: all four gates
 * of unit j, then its c and h. The faults of the LSTM's step are switches here; misread weights
 * come from {@link PortWeights}, swapped activations from {@link Variant}.
 */
final class FaultyLstm {

    private final Lstm layer;
    private final Variant variant;
    private final PortWeights weights;

    FaultyLstm(Lstm layer, Variant variant) {
        this.layer = layer;
        this.variant = variant;
        this.weights = PortWeights.of(layer, variant);
    }

    /** h and c after every step of {@code x} (already in processing order), from the state (h, c). */
    FaultyForward.Run run(List<float[]> x, float[] h, float[] c) {
        int u = layer.units();
        boolean inPlace = variant.is(Fault.STATE_UPDATED_IN_PLACE);
        List<float[]> hs = new ArrayList<>();
        List<float[]> cs = new ArrayList<>();
        for (float[] xt : x) {
            // the in-place bug: the state read and the state written are one array
            float[] hRead = inPlace ? h : h.clone();
            float[] hNew = inPlace ? h : new float[u];
            float[] cNew = new float[u];
            for (int j = 0; j < u; j++) {
                float[] a = new float[4];
                for (int g = 0; g < 4; g++) {
                    int col = g * u + j;
                    a[g] = (weights.inputDot(xt, col) + weights.recurrentDot(hRead, col)) + weights.inputBias()[col];
                }
                float i = variant.gateAct(layer.recurrentActivation(), a[0]);
                float f = variant.gateAct(layer.recurrentActivation(), a[1]);
                float g = variant.act(layer.activation(), a[2]);
                float o = variant.gateAct(layer.recurrentActivation(), a[3]);
                float cPrev = variant.is(Fault.LSTM_CELL_NOT_CARRIED) ? 0f : c[j];
                cNew[j] = f * cPrev + i * g;
                hNew[j] = o * (variant.is(Fault.LSTM_OUTPUT_WITHOUT_ACTIVATION) ? cNew[j] : variant.act(layer.activation(), cNew[j]));
            }
            hs.add(hNew.clone());
            cs.add(cNew.clone());
            boolean swapped = variant.is(Fault.LSTM_H_AND_C_SWAPPED);
            h = swapped ? cNew : hNew;
            c = swapped ? hNew : cNew;
        }
        return new FaultyForward.Run(hs, cs);
    }
}
