package kquant;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Writes outputs so that they are never half-written: everything goes to a temporary file or
 * folder beside the target, which is renamed into place only once it is complete. If the work
 * fails, the temporary is deleted and the target is left as it was.
 */
public final class AtomicFiles {

    /** Writes the content of one file. */
    public interface FileWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Fills a folder. */
    public interface FolderWriter {
        void write(Path folder) throws IOException;
    }

    private AtomicFiles() {
        throw new AssertionError("No instances of AtomicFiles");
    }

    public static void write(Path target, FileWriter writer) {
        Path parent = parentOf(target);
        Path created = firstMissing(parent);
        Path tmp = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp))) {
                writer.write(out);
            }
            move(tmp, target);
        } catch (IOException | UncheckedIOException e) {
            deleteQuietly(tmp);
            deleteTree(created);
            throw KquantException.of("%s: cannot write: %s", target, reason(e));
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            deleteTree(created);
            throw e;
        }
    }

    /**
     * The outermost folder of {@code dir} that does not exist yet (null when it exists): what a
     * failed write removes again, since a writer that streams its input can fail after creating it.
     */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes a folder of outputs: {@code writer} fills a fresh temporary folder, which then
     * replaces {@code target} (see {@link OutputFolder} for when it may).
     *
     * @param force  replace a folder that holds only an earlier kquant output; never anything else
     */
    public static void writeFolder(Path target, boolean force, FolderWriter writer) {
        writeFolder(target, OutputFolder.Kind.of("output"), force ? OutputFolder.Replace.ANY_OUTPUT : OutputFolder.Replace.NOTHING, writer);
    }

    /**
     * Writes a folder of outputs of {@code kind}, with its manifest: {@code writer} fills a fresh
     * temporary folder, which replaces {@code target} once complete, if {@link OutputFolder#check}
     * allows it under {@code replace}.
     */
    public static void writeFolder(Path target, OutputFolder.Kind kind, OutputFolder.Replace replace, FolderWriter writer) {
        OutputFolder.check(target, kind, replace);
        Path dir = target.toAbsolutePath().normalize();
        Path parent = parentOf(dir);
        Path created = firstMissing(parent);
        Path tmp = null;
        Path old = null;
        try {
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + dir.getFileName() + ".tmp");
            writer.write(tmp);
            OutputFolder.writeManifest(tmp, kind);
            OutputFolder.check(target, kind, replace);
            if (Files.exists(dir)) {
                old = Files.createTempDirectory(parent, "." + dir.getFileName() + ".old");
                Files.delete(old);
                Files.move(dir, old);
            }
            Files.move(tmp, dir);
            tmp = null;
            deleteTree(old);
        } catch (IOException | UncheckedIOException e) {
            undo(tmp, old, dir);
            deleteTree(created);
            throw KquantException.of("%s: cannot write: %s", target, reason(e));
        } catch (RuntimeException e) {
            undo(tmp, old, dir);
            deleteTree(created);
            throw e;
        }
    }

    /** After a failed write: the temporary goes, and a folder moved aside comes back. */
    private static void undo(Path tmp, Path old, Path dir) {
        deleteTree(tmp);
        try {
            if (old != null && Files.exists(old) && !Files.exists(dir)) {
                Files.move(old, dir);
            }
        } catch (IOException ignored) {
            // the earlier folder stays beside it, hidden under its .old name
        }
    }

    private static Path parentOf(Path target) {
        Path abs = target.toAbsolutePath();
        return abs.getParent() == null ? abs : abs.getParent();
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String reason(Exception e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        if (t instanceof NoSuchFileException) {
            return "no such folder";
        }
        if (t instanceof FileAlreadyExistsException) {
            return "a file is in the way";
        }
        if (t instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static void deleteQuietly(Path p) {
        try {
            if (p != null) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: the temporary is hidden and named as such
        }
    }

    /** Deletes a folder and everything in it; best effort. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(AtomicFiles::deleteQuietly);
        } catch (IOException ignored) {
            // best effort
        }
    }
}
