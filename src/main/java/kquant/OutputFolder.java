package kquant;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The rule for replacing an output folder: kquant replaces only what it wrote. Every folder it
 * writes gets a manifest, {@value #MANIFEST}, listing each file with its SHA-256 and the names
 * its own build may add (the test program {@code make} links). A folder is replaced only while
 * every file in it is one the manifest lists, unchanged, and the caller allows it (with
 * {@code --force}, or a report over an earlier report). Anything else, a home folder, {@code .},
 * a folder with one file of the user's, a symbolic link, is refused with a file named, and
 * nothing is deleted.
 */
public final class OutputFolder {

    /** The manifest's name inside every folder kquant writes. */
    public static final String MANIFEST = ".kquant-files";

    /** When an existing folder that kquant wrote may be replaced. */
    public enum Replace {
        /** Never: an existing folder must be empty. */
        NOTHING,
        /** When it holds an earlier output of the same kind (a report over a report). */
        SAME_KIND,
        /** When it holds any kquant output ({@code --force}). */
        ANY_OUTPUT
    }

    /**
     * What is being written.
     *
     * @param kind           what the folder holds: {@code report}, {@code export}, {@code trace}
     * @param buildProducts  glob patterns, relative to the folder, of files the folder's own build makes
     */
    public record Kind(String kind, List<String> buildProducts) {

        public static Kind of(String kind, String... buildProducts) {
            return new Kind(kind, List.of(buildProducts));
        }
    }

    private OutputFolder() {
        throw new AssertionError("No instances of OutputFolder");
    }

    /**
     * Checks that {@code target} may be written: missing, empty, or replaceable under {@code replace}.
     *
     * @throws KquantException naming the folder and, when it holds something kquant did not
     *         write, one such file
     */
    public static void check(Path target, Kind kind, Replace replace) {
        Path dir = target.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(target) || Files.isSymbolicLink(dir)) {
            throw KquantException.of("%s: is a symbolic link; give the folder itself (nothing was replaced)", target);
        }
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw KquantException.of("%s: is a file, expected a folder", target);
        }
        try {
            if (isEmpty(dir)) {
                return;
            }
            Manifest m = Manifest.read(dir);
            Foreign foreign = m == null ? firstFile(dir, dir) : m.firstForeign(dir, dir);
            if (foreign != null) {
                throw KquantException.of("%s: holds %s, %s; nothing was replaced (move it, or choose another folder)", target,
                        GeneratedText.oneLine(foreign.path()), foreign.changed() ? "changed since kquant wrote it" : "which kquant did not write");
            }
            boolean allowed = replace == Replace.ANY_OUTPUT || (replace == Replace.SAME_KIND && m.kind.equals(kind.kind()));
            if (!allowed) {
                throw KquantException.of("%s: folder exists and holds an earlier kquant %s; use --force to replace it", target, m.kind);
            }
        } catch (IOException e) {
            throw KquantException.of("%s: cannot read: %s", target, e.getMessage());
        }
    }

    /** Writes the manifest of a freshly filled folder: every file in it, with its hash. */
    static void writeManifest(Path dir, Kind kind) throws IOException {
        StringBuilder sb = new StringBuilder("# Written by kquant. --force replaces this folder only while it holds these files, unchanged,\n")
                .append("# and what its build makes; nothing else.\n")
                .append("kind ").append(kind.kind()).append('\n');
        for (Path f : files(dir)) {
            sb.append("file ").append(sha256(f)).append(' ').append(relative(dir, f)).append('\n');
        }
        for (String pattern : kind.buildProducts()) {
            sb.append("build ").append(pattern).append('\n');
        }
        Files.writeString(dir.resolve(MANIFEST), sb.toString(), StandardCharsets.UTF_8);
    }

    /** An entry kquant did not write, or wrote and someone changed. */
    private record Foreign(String path, boolean changed) {
    }

    /** A folder's manifest, as read back. */
    private record Manifest(String kind, Map<String, String> files, List<PathMatcher> build) {

        static Manifest read(Path dir) throws IOException {
            Path file = dir.resolve(MANIFEST);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > (1 << 24)) {
                return null;
            }
            String kind = null;
            Map<String, String> files = new LinkedHashMap<>();
            List<PathMatcher> build = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split(" ", 3);
                if (line.startsWith("kind ")) {
                    kind = line.substring(5);
                } else if (f.length == 3 && f[0].equals("file")) {
                    files.put(f[2], f[1]);
                } else if (line.startsWith("build ")) {
                    build.add(FileSystems.getDefault().getPathMatcher("glob:" + line.substring(6)));
                } else if (!line.startsWith("#")) {
                    return null;
                }
            }
            return kind == null ? null : new Manifest(kind, files, build);
        }

        boolean built(String rel) {
            Path p = Path.of(rel);
            for (Path q = p; q != null; q = q.getParent()) {
                for (PathMatcher m : build) {
                    if (m.matches(q)) {
                        return true;
                    }
                }
            }
            return false;
        }

        /** The first entry (in name order) the manifest does not explain, or null. */
        Foreign firstForeign(Path root, Path dir) throws IOException {
            for (Path p : sorted(dir)) {
                String rel = relative(root, p);
                if (rel.equals(MANIFEST) || built(rel)) {
                    continue;
                }
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    boolean holdsOurs = files.keySet().stream().anyMatch(f -> f.startsWith(rel + "/"));
                    Foreign inside = firstForeign(root, p);
                    if (inside != null || !holdsOurs) {
                        return inside != null ? inside : new Foreign(rel + "/", false);
                    }
                } else if (!files.containsKey(rel) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    return new Foreign(rel, false);
                } else if (!files.get(rel).equals(sha256(p))) {
                    return new Foreign(rel, true);
                }
            }
            return null;
        }
    }

    /** The first file below {@code dir}, depth first in name order, else its first entry. */
    private static Foreign firstFile(Path root, Path dir) throws IOException {
        Foreign firstDir = null;
        for (Path p : sorted(dir)) {
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return new Foreign(relative(root, p), false);
            }
            Foreign inside = firstFile(root, p);
            if (inside != null && !inside.path().endsWith("/")) {
                return inside;
            }
            firstDir = firstDir == null ? new Foreign(relative(root, p) + "/", false) : firstDir;
        }
        return firstDir;
    }

    private static List<Path> sorted(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static String sha256(Path f) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(f), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
