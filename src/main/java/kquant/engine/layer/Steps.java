package kquant.engine.layer;

import kquant.fixed.QActivation;
import kquant.fixed.QDense;
import kquant.fixed.QGru;
import kquant.fixed.QLstm;
import kquant.fixed.QLayer;
import kquant.fixed.QReshape;
import kquant.fixed.QSimpleRnn;
import kquant.model.ActivationLayer;
import kquant.model.Dense;
import kquant.model.Flatten;
import kquant.model.Gru;
import kquant.model.Lstm;
import kquant.model.Layer;
import kquant.model.PassThrough;
import kquant.model.RepeatVector;
import kquant.model.Shape;
import kquant.model.SimpleRnn;

/**
 * The one place that maps a layer kind to its block-engine step: the engines walk the layers
 * through this without knowing their kinds. Each kind's float32 and integer forms live side by
 * side in one class ({@link SimpleRnnStep}, {@link DenseStep}, ...).
 */
public final class Steps {

    private Steps() {
        throw new AssertionError("No instances of Steps");
    }

    /** The float32 step of {@code layer}, which receives {@code input}, for blocks of {@code lanes} samples. */
    public static FloatStep float32(Layer layer, Shape input, int lanes) {
        int steps = input.sequence() ? input.timesteps() : 1;
        if (layer instanceof SimpleRnn r) {
            return new SimpleRnnStep.Float32(r, steps, lanes);
        }
        if (layer instanceof Lstm r) {
            return new LstmStep.Float32(r, steps, lanes);
        }
        if (layer instanceof Gru r) {
            return new GruStep.Float32(r, steps, lanes);
        }
        if (layer instanceof Dense d) {
            return new DenseStep.Float32(d, steps, lanes);
        }
        if (layer instanceof ActivationLayer a) {
            return new ActivationStep.Float32(a, steps, input.features(), lanes);
        }
        return new ReshapeStep.Float32(mapping(layer, input), lanes);
    }

    /** The integer step of {@code q}, which receives {@code input}. */
    public static FixedStep fixed(QLayer q, Shape input, int lanes) {
        int steps = input.sequence() ? input.timesteps() : 1;
        if (q instanceof QSimpleRnn r) {
            return new SimpleRnnStep.Fixed(r, steps, lanes);
        }
        if (q instanceof QLstm r) {
            return new LstmStep.Fixed(r, steps, lanes);
        }
        if (q instanceof QGru r) {
            return new GruStep.Fixed(r, steps, lanes);
        }
        if (q instanceof QDense d) {
            return new DenseStep.Fixed(d, steps, lanes);
        }
        if (q instanceof QActivation a) {
            return new ActivationStep.Fixed(a, steps, input.features(), lanes);
        }
        QReshape r = (QReshape) q;
        ReshapeStep.Kind kind = r.kind() == QReshape.Kind.FLATTEN ? ReshapeStep.Kind.FLATTEN
                : r.kind() == QReshape.Kind.REPEAT ? ReshapeStep.Kind.REPEAT : ReshapeStep.Kind.PASS;
        return new ReshapeStep.Fixed(ReshapeStep.Mapping.of(kind, q.name(), steps, input.features(), r.times()), r.fIn(), lanes);
    }

    private static ReshapeStep.Mapping mapping(Layer layer, Shape input) {
        int steps = input.sequence() ? input.timesteps() : 1;
        if (layer instanceof Flatten) {
            return ReshapeStep.Mapping.of(ReshapeStep.Kind.FLATTEN, layer.name(), steps, input.features(), 1);
        }
        if (layer instanceof RepeatVector rv) {
            return ReshapeStep.Mapping.of(ReshapeStep.Kind.REPEAT, layer.name(), steps, input.features(), rv.times());
        }
        if (layer instanceof PassThrough) {
            return ReshapeStep.Mapping.of(ReshapeStep.Kind.PASS, layer.name(), steps, input.features(), 1);
        }
        throw new IllegalStateException("no float32 step for " + layer.kerasClass());
    }
}
