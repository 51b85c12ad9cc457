package kquant.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A loaded Keras model: a single chain of layers from one input to one output.
 *
 * <p>The constructor runs the input shape through every layer, so a model that exists is a
 * model whose shapes fit.
 */
public final class Model {

    private final String name;
    private final ModelSource source;
    private final Shape inputShape;
    private final List<Layer> layers;
    private final List<Shape> shapes;

    public Model(String name, ModelSource source, Shape inputShape, List<Layer> layers) {
        this.name = name;
        this.source = source;
        this.inputShape = inputShape;
        this.layers = List.copyOf(layers);
        List<Shape> s = new ArrayList<>();
        Shape current = inputShape;
        s.add(current);
        for (Layer layer : this.layers) {
            current = layer.outputShape(current);
            s.add(current);
        }
        this.shapes = List.copyOf(s);
    }

    public String name() {
        return name;
    }

    public ModelSource source() {
        return source;
    }

    public Shape inputShape() {
        return inputShape;
    }

    public List<Layer> layers() {
        return layers;
    }

    public Shape outputShape() {
        return shapes.get(shapes.size() - 1);
    }

    /** The shape entering layer {@code i}. */
    public Shape inputShapeOf(int i) {
        return shapes.get(i);
    }

    /** The shape leaving layer {@code i}. */
    public Shape outputShapeOf(int i) {
        return shapes.get(i + 1);
    }

    /** The same model with the open sequence length fixed to {@code timesteps}. */
    public Model withTimesteps(int timesteps) {
        if (inputShape.knownLength() || !inputShape.sequence()) {
            return this;
        }
        return new Model(name, source, inputShape.withTimesteps(timesteps), layers);
    }

    public long parameterCount() {
        long n = 0;
        for (Layer l : layers) {
            n += l.parameterCount();
        }
        return n;
    }

    /** Multiply-accumulates per sequence (per sample); needs a known sequence length. */
    public long macs() {
        long n = 0;
        for (int i = 0; i < layers.size(); i++) {
            n += layers.get(i).macs(shapes.get(i));
        }
        return n;
    }

    public Layer layer(String layerName) {
        for (Layer l : layers) {
            if (l.name().equals(layerName)) {
                return l;
            }
        }
        throw new IllegalArgumentException("no layer " + layerName);
    }

    /**
     * SHA-256 over the layers' names, classes, equations (activation and options) and weights (name, shape, float32 little-endian
     * values), in order. It does not depend on the file format, so the same model saved as .h5
     * and as .keras hashes the same; a calibration is tied to this hash.
     */
    public String weightsSha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Layer l : layers) {
                md.update((l.name() + " " + l.kerasClass() + " " + l.equation() + "\n").getBytes(StandardCharsets.UTF_8));
                for (Tensor t : l.weights()) {
                    md.update((t.name() + java.util.Arrays.toString(t.shape()) + "\n").getBytes(StandardCharsets.UTF_8));
                    float[] v = t.values();
                    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    b.asFloatBuffer().put(v);
                    md.update(b);
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
