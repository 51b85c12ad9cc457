package kquant.fixed;

/** Flatten, RepeatVector or a training-only layer: moves codes, keeps their format. */
public record QReshape(String name, Kind kind, int times, int fIn) implements QLayer {

    /** What the layer does to the sequence. */
    public enum Kind { FLATTEN, REPEAT, PASS }

    @Override
    public int fOut() {
        return fIn;
    }
}
