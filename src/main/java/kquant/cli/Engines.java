package kquant.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import kquant.KquantException;
import kquant.calibrate.Calibration;
import kquant.calibrate.CellGrowth;
import kquant.engine.Engine;
import kquant.engine.FixedEngine;
import kquant.engine.FloatEngine;
import kquant.engine.Precision;
import kquant.engine.ReferenceEngine;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;
import kquant.model.Model;

/** Builds the engine a command line names: float32, float64, or an integer scheme with its calibration. */
final class Engines {

    private Engines() {
        throw new AssertionError("No instances of Engines");
    }

    static boolean isFloat(String name) {
        return name.equals("float32") || name.equals("float64");
    }

    /** float32: the block engine; float64: the one-sample reference engine in double. */
    static Engine floatEngine(String name, Model model) {
        return name.equals("float64") ? new ReferenceEngine(model, Precision.FLOAT64) : new FloatEngine(model);
    }

    /**
     * The engine called {@code name}; an integer engine needs {@code calibration}, checked against the
     * model and the normalization folded into it ({@code norm}).
     */
    static Engine create(String name, Model model, Path calibration, PrintWriter warnings, NormalizationArgs norm) {
        if (isFloat(name)) {
            return floatEngine(name, model);
        }
        Scheme scheme;
        try {
            scheme = Scheme.parse(name);
        } catch (KquantException e) {
            throw KquantException.of("--engine %s: unknown engine; use float32, float64, q15, q7 or a16w8", name);
        }
        if (calibration == null) {
            throw KquantException.of("--engine %s needs --calibration CAL (made by kquant calibrate)", name);
        }
        return fixedEngine(model, calibration, scheme, warnings, norm);
    }

    static FixedEngine fixedEngine(Model model, Path calibration, Scheme expected, PrintWriter warnings, NormalizationArgs norm) {
        Calibration c = norm.calibration(calibration, model);
        warnIfLonger(c, model, warnings);
        if (expected != null && c.scheme() != expected) {
            throw KquantException.of("%s: calibration is for %s, but the engine asked for is %s", calibration,
                    c.scheme().cliName(), expected.cliName());
        }
        return new FixedEngine(new QuantizedModel(model, c.formats()));
    }

    /**
     * Warns (on stderr) when the model runs on longer sequences than the calibration saw and an LSTM
     * cell's growth would leave its format on them.
     */
    static void warnIfLonger(Calibration c, Model model, PrintWriter warnings) {
        if (!model.inputShape().sequence() || !model.inputShape().knownLength()) {
            return;
        }
        for (CellGrowth g : CellGrowth.of(c)) {
            String w = g.warningFor(model.inputShape().timesteps());
            if (w != null) {
                warnings.println(w);
                warnings.flush();
            }
        }
    }
}
