package kquant.export;

import java.util.ArrayList;
import java.util.List;
import kquant.KquantException;
import kquant.fixed.QActivation;
import kquant.fixed.QDense;
import kquant.fixed.QLayer;
import kquant.fixed.QRawIo;
import kquant.fixed.QReshape;
import kquant.fixed.QRecurrent;
import kquant.fixed.QuantizedModel;
import kquant.fixed.Scheme;

/**
 * What the generated C needs to know about each layer: its width in and out, whether it works
 * on whole sequences or on single vectors, and whether the model can run one timestep at a time
 * (the streaming {@code step} / {@code output} API).
 */
final class Plan {

    /** One layer: its quantized form and the shapes around it in run mode. */
    record Step(QLayer layer, int widthIn, int widthOut, boolean sequenceIn, boolean sequenceOut, String stepsOut) {
    }

    final QuantizedModel q;
    final Scheme scheme;
    final List<Step> steps = new ArrayList<>();
    /** True when every recurrent layer reads forward and nothing needs the whole sequence before the last one. */
    final boolean streamable;
    /** Index of the last recurrent layer, or -1. */
    final int lastRecurrent;
    final int maxTimesteps;
    /** The raw-code boundary of a model with its normalization folded in, or null. */
    final QRawIo raw;

    Plan(QuantizedModel q, int maxTimesteps) {
        this(q, maxTimesteps, null);
    }

    Plan(QuantizedModel q, int maxTimesteps, QRawIo raw) {
        this.q = q;
        this.scheme = q.scheme();
        this.maxTimesteps = maxTimesteps;
        this.raw = raw;
        boolean seq = q.model().inputShape().sequence();
        int width = q.model().inputShape().features();
        String stepsExpr = seq ? "steps" : "1";
        int last = -1;
        for (int i = 0; i < q.layers().size(); i++) {
            QLayer l = q.layers().get(i);
            int out;
            boolean seqOut;
            String stepsOut = stepsExpr;
            if (l instanceof QRecurrent r) {
                out = r.units();
                seqOut = r.returnSequences();
                stepsOut = seqOut ? stepsExpr : "1";
                last = i;
            } else if (l instanceof QDense d) {
                out = d.units();
                seqOut = seq;
            } else if (l instanceof QActivation) {
                out = width;
                seqOut = seq;
            } else {
                QReshape r = (QReshape) l;
                switch (r.kind()) {
                    case FLATTEN:
                        out = seq ? width * (stepsExpr.equals("steps") ? maxTimesteps : Integer.parseInt(stepsExpr)) : width;
                        seqOut = false;
                        stepsOut = "1";
                        break;
                    case REPEAT:
                        out = width;
                        seqOut = true;
                        stepsOut = Integer.toString(r.times());
                        break;
                    default:
                        out = width;
                        seqOut = seq;
                }
            }
            steps.add(new Step(l, width, out, seq, seqOut, stepsOut));
            width = out;
            seq = seqOut;
            stepsExpr = stepsOut;
        }
        this.lastRecurrent = last;
        this.streamable = last >= 0 && isStreamable(last);
    }

    private boolean isStreamable(int last) {
        for (int i = 0; i < steps.size(); i++) {
            QLayer l = steps.get(i).layer();
            if (l instanceof QRecurrent r && (r.goBackwards() || (i < last && !r.returnSequences()))) {
                return false;
            }
            if (l instanceof QReshape r && r.kind() != QReshape.Kind.PASS) {
                return false;
            }
        }
        return true;
    }

    /** How many steps a layer processes (its input's steps) in a run of {@code maxTimesteps}. */
    int stepsIn(QLayer layer) {
        String expr = stepsExpressionIn(layer);
        return expr.equals("steps") ? maxTimesteps : Integer.parseInt(expr);
    }

    private String stepsExpressionIn(QLayer layer) {
        String expr = q.model().inputShape().sequence() ? "steps" : "1";
        for (Step s : steps) {
            if (s.layer() == layer) {
                return expr;
            }
            expr = s.stepsOut();
        }
        throw new IllegalArgumentException(layer.name());
    }

    /** Multiply-accumulates of one streaming step: every layer up to the last recurrent one, once. */
    long stepMacs() {
        long macs = 0;
        for (int i = 0; i <= lastRecurrent; i++) {
            macs += macsOf(steps.get(i).layer());
        }
        return macs;
    }

    /** Multiply-accumulates of one {@code output()}: the layers after the last recurrent one, once. */
    long outputMacs() {
        long macs = 0;
        for (int i = lastRecurrent + 1; i < steps.size(); i++) {
            macs += macsOf(steps.get(i).layer());
        }
        return macs;
    }

    private static long macsOf(QLayer l) {
        if (l instanceof QRecurrent r) {
            return (long) r.kernel().units() * (r.inputs() + r.units());
        }
        return l instanceof QDense d ? (long) d.units() * d.inputs() : 0;
    }

    Step output() {
        return steps.get(steps.size() - 1);
    }

    int outputUnits() {
        return output().widthOut();
    }

    String activationType() {
        return scheme.activations().cType();
    }

    String weightType() {
        return scheme.weights().cType();
    }

    static void checkExportable(QuantizedModel q) {
        for (QLayer l : q.layers()) {
            if (l instanceof QReshape r && r.kind() == QReshape.Kind.FLATTEN && !q.model().inputShape().knownLength()) {
                throw KquantException.of("layer %s: Flatten needs a fixed sequence length to export", l.name());
            }
        }
    }
}
