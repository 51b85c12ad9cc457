package kquant.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import kquant.GeneratedText;
import kquant.JsonText;
import kquant.model.Layer;
import kquant.model.Model;
import kquant.model.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        header = "Show layers, weights, parameter and MAC counts, and the update equations.",
        description = {
            "Shows each layer, its weights and their roles, parameter and multiply-accumulate counts,",
            "the update equations, and the Keras version and backend that saved the file.",
            "",
            "Example:",
            "  kquant inspect calibration/demo/model.h5",
            "  kquant inspect calibration/demo/model.h5 --json"})
final class InspectCommand implements Callable<Integer> {

    @Mixin
    ModelArgs modelArgs;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Model model = modelArgs.load();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.print(JsonText.prettyInlineArrays(toJson(model)));
        } else {
            printText(model, out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void printText(Model model, PrintWriter out) {
        var src = model.source();
        out.printf("%s: %s, keras_version %s, backend %s%n", src.file(), src.format(), src.kerasVersion(), src.backend());
        out.printf("model %s: input %s -> output %s%n%n", GeneratedText.label(model.name()), model.inputShape(), model.outputShape());
        out.printf("%-3s %-22s %-24s %-12s %10s %12s%n", "#", "layer", "class", "output", "params", "MACs/seq");
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            out.printf("%-3d %-22s %-24s %-12s %10d %12s%n", i, GeneratedText.label(l.name()), l.kerasClass(), model.outputShapeOf(i),
                    l.parameterCount(), macs(model, i));
            out.printf("      %s%n", l.equation());
            for (Tensor t : l.weights()) {
                out.printf("      %-18s %-46s %s%n", t.name(), t.role(), t.shapeString());
            }
        }
        out.printf("%ntotal: %d parameters, %s multiply-accumulates per sequence%n", model.parameterCount(), totalMacs(model));
        out.printf("weights sha256: %s%n", model.weightsSha256());
    }

    /** A layer's MACs; per input timestep while the sequence length is open (a RepeatVector fixes it again). */
    private static String macs(Model model, int layer) {
        if (model.inputShapeOf(layer).knownLength() || !model.inputShapeOf(layer).sequence()) {
            return Long.toString(model.layers().get(layer).macs(model.inputShapeOf(layer)));
        }
        return model.layers().get(layer).macs(model.withTimesteps(1).inputShapeOf(layer)) + "/step";
    }

    /** The total; with an open sequence length, a·T + b, found from T = 1 and T = 2 (every count is linear in T). */
    private static String totalMacs(Model model) {
        if (!model.inputShape().knownLength()) {
            long one = model.withTimesteps(1).macs();
            long perStep = model.withTimesteps(2).macs() - one;
            return perStep + "·T" + (one == perStep ? "" : " + " + (one - perStep)) + " (T, the sequence length, is open)";
        }
        return model.macs() + (model.inputShape().sequence() ? " (" + model.inputShape().timesteps() + " timesteps)" : "");
    }

    static ObjectNode toJson(Model model) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("file", model.source().file());
        root.put("format", model.source().format());
        root.put("keras_version", model.source().kerasVersion());
        root.put("backend", model.source().backend());
        root.put("name", model.name());
        root.put("input_shape", model.inputShape().toString());
        root.put("output_shape", model.outputShape().toString());
        root.put("parameters", model.parameterCount());
        if (model.inputShape().knownLength()) {
            root.put("macs_per_sequence", model.macs());
        }
        root.put("weights_sha256", model.weightsSha256());
        ArrayNode layers = root.putArray("layers");
        for (int i = 0; i < model.layers().size(); i++) {
            Layer l = model.layers().get(i);
            ObjectNode n = layers.addObject();
            n.put("name", l.name());
            n.put("class", l.kerasClass());
            n.put("output_shape", model.outputShapeOf(i).toString());
            n.put("parameters", l.parameterCount());
            if (model.inputShape().knownLength()) {
                n.put("macs", l.macs(model.inputShapeOf(i)));
            }
            n.put("equation", l.equation());
            ArrayNode weights = n.putArray("weights");
            for (Tensor t : l.weights()) {
                ObjectNode w = weights.addObject();
                w.put("name", t.name());
                w.put("role", t.role());
                ArrayNode shape = w.putArray("shape");
                for (int d : t.shape()) {
                    shape.add(d);
                }
            }
        }
        return root;
    }
}
