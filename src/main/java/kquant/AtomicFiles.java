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
            throw KquantException.of("%s: cannot write: %s", target, reason(e));
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes a folder: {@code writer} fills a fresh temporary folder, which then replaces
     * {@code target}.
     *
     * @param replace  if false, an existing non-empty {@code target} is an error
     */
    public static void writeFolder(Path target, boolean replace, FolderWriter writer) {
        Path parent = parentOf(target);
        Path tmp = null;
        Path old = null;
        try {
            if (Files.isRegularFile(target)) {
                throw KquantException.of("%s: is a file, expected a folder", target);
            }
            if (!replace && Files.isDirectory(target) && !isEmpty(target)) {
                throw KquantException.of("%s: folder exists and holds other files; use --force to replace it", target);
            }
            Files.createDirectories(parent);
            tmp = Files.createTempDirectory(parent, "." + target.getFileName() + ".tmp");
            writer.write(tmp);
            if (Files.exists(target)) {
                old = Files.createTempDirectory(parent, "." + target.getFileName() + ".old");
                Files.delete(old);
                Files.move(target, old);
            }
            Files.move(tmp, target);
            tmp = null;
            deleteTree(old);
        } catch (IOException | UncheckedIOException e) {
            deleteTree(tmp);
            throw KquantException.of("%s: cannot write: %s", target, reason(e));
        } catch (RuntimeException e) {
            deleteTree(tmp);
            throw e;
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

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
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
