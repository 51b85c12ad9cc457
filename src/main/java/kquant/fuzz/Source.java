package kquant.fuzz;

import java.nio.file.Path;
import java.util.List;

/**
 * One real file to mutate, and the command that reads it.
 *
 * @param kind        the input kind it stands for, e.g. {@code hdf5 model}, {@code npy data}
 * @param fileName    the name the mutated copy gets (its extension chooses the reader)
 * @param original    the file's bytes
 * @param regions     what its bytes are, to explain a different answer
 * @param container   a format that frames its content (HDF5, zip, .npy): accepting it truncated is damage accepted
 * @param json        a JSON file, which also gets value edits
 * @param boundaries  offsets to truncate at, in order: block boundaries, or line ends of a text
 * @param headerEnd   where the format's header ends, for header edits
 * @param command     the command line that reads the file
 */
public record Source(String kind, String fileName, byte[] original, Regions regions, boolean container, boolean json,
        List<Long> boundaries, long headerEnd, Command command) {

    /** The command line for one case, and where its answer is. */
    public interface Command {

        /**
         * @param input  the (mutated) file
         * @param out    a folder that does not exist yet, for outputs
         */
        String[] args(Path input, Path out);

        /** The file under {@code out} that holds the answer, or null when the answer is what the command prints. */
        String answerFile();
    }

    /** Truncation points of a binary file: every block of a size that gives at most 64 of them, and its header's end. */
    static List<Long> blockBoundaries(long length, long headerEnd) {
        long block = 512;
        while (length / block > 64) {
            block *= 2;
        }
        List<Long> out = new java.util.ArrayList<>();
        if (headerEnd > 0 && headerEnd < length) {
            out.add(headerEnd);
        }
        for (long b = block; b < length; b += block) {
            out.add(b);
        }
        return out;
    }

    /** Truncation points of a text: the ends of (at most 64, evenly spread) lines. */
    static List<Long> lineEnds(byte[] text) {
        List<Long> ends = new java.util.ArrayList<>();
        for (int i = 0; i < text.length - 1; i++) {
            if (text[i] == '\n') {
                ends.add((long) i + 1);
            }
        }
        if (ends.size() <= 64) {
            return ends;
        }
        List<Long> some = new java.util.ArrayList<>();
        for (int k = 0; k < 64; k++) {
            some.add(ends.get(k * ends.size() / 64));
        }
        return some;
    }
}
