package kquant.report;

import java.util.ArrayList;
import java.util.List;
import kquant.engine.FixedEngine;
import kquant.fixed.Fixed;
import kquant.fixed.QRawIo;
import kquant.model.Normalization;
import kquant.model.RawUnits;

/**
 * The units the report shows outputs in: the model's own, or, for a model with its normalization
 * folded in, each output's physical unit. There the float32 engine's outputs go through the folded
 * units and each integer engine's through its declared output code, as the exported C returns it;
 * and outputs in different units are compared overall in standardized units, each divided by its
 * training scale, so that they weigh alike, as in training.
 */
final class OutputUnits {

    /** Null in the model's own units. */
    private final RawUnits units;
    private final List<QRawIo> io = new ArrayList<>();

    /**
     * @param units    the folded units, or null; outputs stay in the model's units unless they denormalize outputs
     * @param engines  the integer engines, in the report's order
     */
    OutputUnits(RawUnits units, List<FixedEngine> engines) {
        this.units = units != null && units.denormalizesOutputs() ? units : null;
        for (FixedEngine e : engines) {
            io.add(this.units == null ? null : new QRawIo(e.quantized(), this.units));
        }
    }

    boolean physical() {
        return units != null;
    }

    /** Output u's name: {@code output 0}, or in physical units {@code next_temp_max (°C)}. */
    String label(int u) {
        return units == null ? "output " + u : feature(u).label();
    }

    /** Output u's unit, empty in the model's units. */
    String unit(int u) {
        return units == null ? "" : feature(u).unit();
    }

    /** Output u's name in physical units. */
    String name(int u) {
        return feature(u).name();
    }

    private Normalization.Feature feature(int u) {
        return units.outputs().get(u).feature();
    }

    /** The float32 engine's output u, shown. */
    double reference(int u, double v) {
        return units == null ? v : units.physicalOutput(u, v);
    }

    /** Integer engine e's output u (its real value in the model's output format), shown. */
    double fixed(int e, int u, double v) {
        if (units == null) {
            return v;
        }
        QRawIo q = io.get(e);
        return q.physicalOutput(u, (int) Fixed.quantizeUnclamped(v, q.modelOutputFrac()));
    }

    /** A shown value in standardized units, {@code (value − offset) / scale}; as it is in the model's units. */
    double standardized(int u, double shown) {
        return units == null ? shown : (shown - feature(u).offset()) / feature(u).scale();
    }

    /** A shown value about its training mean, so that an SQNR measures the signal, not the offset. */
    double centred(int u, double shown) {
        return units == null ? shown : shown - feature(u).offset();
    }
}
