package dev.xueqing.jobs.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Expands input paths (files, folders searched recursively, globs; local or any Hadoop file system) into a sorted
 * list of files. In folders, hidden files and folders (starting with '.' or '_'), README/Markdown files and
 * LICENSE, NOTICE and COPYING files are skipped (a file named explicitly is always read).
 *
 * <p>Names are names: an argument that exists as a file or folder is taken literally ({@code export[1].jsonl},
 * {@code lrs 2026-09-01T10:00.jsonl}); only an argument that does not exist is a glob. A file is named by its
 * qualified path as Hadoop prints it ({@code file:/data/lrs 2026-09-01T10:00.jsonl}): readable, and what
 * {@code raw_ref} and the ingested-files ledger show; {@link #path} turns such a name back into a Path and
 * {@link #open} opens it.
 *
 * <p>Local folders are walked following symbolic links; a link that loops back into a folder above it is not
 * followed, and a file reached twice (through links, or named by two arguments) is read once: each says so in a
 * WARN line.
 */
public final class InputFiles {
    private static final Logger LOG = LoggerFactory.getLogger(InputFiles.class);

    private InputFiles() {}

    /** Thrown when an input path matches nothing; the message names the path. */
    public static final class NoInputException extends RuntimeException {
        public NoInputException(String message) {
            super(message);
        }
    }

    /** The files of the inputs (sorted), and what was left out on the way, one line each (for logs and summaries). */
    public record Listing(List<String> files, List<String> skipped) {}

    /** The files of the inputs, sorted, each once. */
    public static List<String> expand(List<String> paths, Configuration hadoop) {
        return list(paths, hadoop).files();
    }

    /** As {@link #expand}, with what was skipped (symbolic-link loops, files reached twice). */
    public static Listing list(List<String> paths, Configuration hadoop) {
        Map<String, String> files = new TreeMap<>(); // name -> identity (the real path of a local file)
        List<String> skipped = new ArrayList<>();
        for (String p : paths) {
            Map<String, String> found = new TreeMap<>();
            java.nio.file.Path local = localPath(p, hadoop);
            try {
                if (local == null) {
                    addHadoop(p, hadoop, found);
                } else if (Files.exists(local) || Files.isSymbolicLink(local)) {
                    addLocal(local, found, skipped);
                } else {
                    for (java.nio.file.Path match : localGlob(local)) {
                        addLocal(match, found, skipped);
                    }
                    if (found.isEmpty()) {
                        throw notFound(p);
                    }
                }
            } catch (IOException e) {
                throw new NoInputException("Cannot list input path " + p + ": " + e.getMessage());
            }
            if (found.isEmpty()) {
                throw new NoInputException("Input path " + p + " contains no data files.");
            }
            files.putAll(found);
        }
        List<String> out = new ArrayList<>();
        Map<String, String> firstByIdentity = new LinkedHashMap<>();
        files.forEach((name, identity) -> {
            String first = firstByIdentity.putIfAbsent(identity, name);
            if (first == null) {
                out.add(name);
            } else {
                LOG.warn("Input {} is the same file as {} (reached twice, through a link or two arguments): read once",
                        name, first);
                skipped.add(name + ": the same file as " + first + ", read once");
            }
        });
        return new Listing(List.copyOf(out), List.copyOf(skipped));
    }

    /** The Hadoop Path of a file name as {@link #expand} gives it (or any qualified URI string without escapes). */
    public static Path path(String file) {
        return new Path(file);
    }

    /**
     * Opens an input file. Local files are opened without Hadoop's checksum layer: input files have no
     * {@code .crc} side files, and that layer cannot even name one for a file whose name holds a ':'.
     */
    public static InputStream open(String file, Configuration hadoop) throws IOException {
        Path p = path(file);
        FileSystem fs = p.getFileSystem(hadoop);
        if (fs instanceof LocalFileSystem local) {
            fs = local.getRawFileSystem();
        }
        return fs.open(p);
    }

    /**
     * The argument as a local path (absolute, normalised) when it has {@code file:} or no URI scheme (and the
     * default file system is the local one), else null. A relative name with ':' ({@code lrs 2026-09-01T10:00.jsonl})
     * has no scheme: a scheme is followed by '/'.
     */
    private static java.nio.file.Path localPath(String arg, Configuration hadoop) {
        int colon = arg.indexOf(':');
        boolean hasScheme = colon > 0 && arg.startsWith("/", colon + 1)
                && arg.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
        try {
            if (!hasScheme) {
                return "file".equals(FileSystem.getDefaultUri(hadoop).getScheme())
                        ? java.nio.file.Path.of(arg).toAbsolutePath().normalize() : null;
            }
            return "file".equalsIgnoreCase(arg.substring(0, colon))
                    ? java.nio.file.Path.of(new Path(arg).toUri().getPath()).normalize() : null;
        } catch (IllegalArgumentException e) {
            return null; // not a local path at all: Hadoop decides
        }
    }

    /**
     * The local files and folders a glob matches ({@code *}, {@code ?}, {@code [..]}, {@code {a,b}}, as Hadoop's and
     * Java's globs read them), sorted. Done here because Hadoop's glob fails on a folder that holds a name with ':'.
     */
    private static List<java.nio.file.Path> localGlob(java.nio.file.Path glob) throws IOException {
        java.nio.file.Path base = glob.getRoot();
        int i = 0;
        while (i < glob.getNameCount() && !isGlob(glob.getName(i).toString())) {
            base = base.resolve(glob.getName(i).toString());
            i++;
        }
        if (i == glob.getNameCount() || !Files.isDirectory(base)) {
            return List.of();
        }
        java.nio.file.Path pattern = glob.subpath(i, glob.getNameCount());
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        int depth = pattern.getNameCount();
        java.nio.file.Path from = base;
        List<java.nio.file.Path> matches = new ArrayList<>();
        Files.walkFileTree(from, EnumSet.of(FileVisitOption.FOLLOW_LINKS), depth, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attrs) {
                java.nio.file.Path relative = from.relativize(file);
                if (relative.getNameCount() == depth && matcher.matches(relative)) {
                    matches.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(java.nio.file.Path file, IOException e) {
                return FileVisitResult.CONTINUE; // a loop or an unreadable entry: not a match
            }
        });
        matches.sort(null);
        return matches;
    }

    private static boolean isGlob(String name) {
        return name.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    private static NoInputException notFound(String p) {
        return new NoInputException("Input path not found: " + p
                + ". Give an existing file, folder or glob (for example data/*.jsonl.gz).");
    }

    /**
     * Adds a local file, or the wanted files of a local folder, walked following links; a link that loops back
     * into a folder above it is skipped with a WARN line.
     */
    private static void addLocal(java.nio.file.Path root, Map<String, String> files, List<String> skipped)
            throws IOException {
        if (!Files.isDirectory(root)) {
            files.put(name(root), identity(root));
            return;
        }
        Files.walkFileTree(root, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult preVisitDirectory(java.nio.file.Path dir, BasicFileAttributes attrs) {
                        return dir.equals(root) || !hidden(dir.getFileName().toString()) ? FileVisitResult.CONTINUE
                                : FileVisitResult.SKIP_SUBTREE;
                    }

                    @Override
                    public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attrs) {
                        // a link whose target is missing is kept: reading it gives an unreadable_input row naming it
                        if (wanted(file.getFileName().toString())) {
                            files.put(name(file), identity(file));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(java.nio.file.Path file, IOException e) throws IOException {
                        if (e instanceof FileSystemLoopException) {
                            LOG.warn("Input {}: a symbolic link loop (it leads back to a folder above it): not "
                                    + "followed", file);
                            skipped.add(file + ": a symbolic link loop, not followed");
                            return FileVisitResult.CONTINUE;
                        }
                        throw e;
                    }
                });
    }

    /** Adds the files a path of another file system (HDFS, S3, or a glob there) names, through Hadoop. */
    private static void addHadoop(String p, Configuration hadoop, Map<String, String> files) throws IOException {
        Path path;
        FileSystem fs;
        FileStatus[] matches;
        try {
            path = new Path(p);
            fs = path.getFileSystem(hadoop);
            matches = fs.exists(path) ? new FileStatus[] {fs.getFileStatus(path)} : fs.globStatus(path);
        } catch (IllegalArgumentException e) {
            matches = null; // not a path Hadoop can parse (a relative name with ':'): it does not exist either
            fs = null;
        }
        if (matches == null || matches.length == 0) {
            throw notFound(p);
        }
        for (FileStatus st : matches) {
            if (st.isFile()) {
                String name = fs.makeQualified(st.getPath()).toString();
                files.put(name, name);
            } else {
                RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
                while (it.hasNext()) {
                    LocatedFileStatus f = it.next();
                    if (f.isFile() && wanted(f.getPath().getName()) && !inHiddenFolder(st.getPath(), f.getPath())) {
                        String name = fs.makeQualified(f.getPath()).toString();
                        files.put(name, name);
                    }
                }
            }
        }
    }

    /** The readable qualified name of a local file: {@code file:/data/lrs 2026-09-01T10:00.jsonl}. */
    private static String name(java.nio.file.Path file) {
        return new Path(file.toAbsolutePath().toUri()).toString();
    }

    /** What makes two names the same file: the real path, or the name itself when it cannot be resolved. */
    private static String identity(java.nio.file.Path file) {
        try {
            return file.toRealPath().toString();
        } catch (IOException e) {
            return file.toAbsolutePath().toString();
        }
    }

    /** True when a folder between the root and the file is hidden ('.' or '_': _truth/, .git/, _SUCCESS-style). */
    private static boolean inHiddenFolder(Path root, Path file) {
        String rootPath = root.toUri().getPath();
        for (Path p = file.getParent(); p != null && !p.toUri().getPath().equals(rootPath)
                && p.toUri().getPath().length() > rootPath.length(); p = p.getParent()) {
            if (hidden(p.getName())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hidden(String name) {
        return name.startsWith(".") || name.startsWith("_");
    }

    private static boolean wanted(String n) {
        String lower = n.toLowerCase();
        return !hidden(n) && !lower.endsWith(".md") && !lower.startsWith("readme")
                && !lower.startsWith("license") && !lower.startsWith("notice") && !lower.startsWith("copying");
    }
}
