package dev.xueqing.jobs.ingest;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Expands input paths (files, folders searched recursively, globs; local or any Hadoop file system) into a sorted
 * list of files. In folders, hidden files and folders (starting with '.' or '_'), README/Markdown files and
 * LICENSE, NOTICE and COPYING files are skipped (a file named explicitly is always read).
 */
public final class InputFiles {
    private InputFiles() {}

    /** Thrown when an input path matches nothing; the message names the path. */
    public static final class NoInputException extends RuntimeException {
        public NoInputException(String message) {
            super(message);
        }
    }

    public static List<String> expand(List<String> paths, Configuration hadoop) {
        TreeSet<String> files = new TreeSet<>();
        for (String p : paths) {
            try {
                Path path = new Path(p);
                FileSystem fs = path.getFileSystem(hadoop);
                FileStatus[] matches = fs.globStatus(path);
                if (matches == null || matches.length == 0) {
                    throw new NoInputException("Input path not found: " + p
                            + ". Give an existing file, folder or glob (for example data/*.jsonl.gz).");
                }
                int before = files.size();
                for (FileStatus st : matches) {
                    if (st.isFile()) {
                        files.add(fs.makeQualified(st.getPath()).toString());
                    } else {
                        RemoteIterator<LocatedFileStatus> it = fs.listFiles(st.getPath(), true);
                        while (it.hasNext()) {
                            LocatedFileStatus f = it.next();
                            if (f.isFile() && wanted(f.getPath()) && !inHiddenFolder(st.getPath(), f.getPath())) {
                                files.add(fs.makeQualified(f.getPath()).toString());
                            }
                        }
                        files.addAll(unlistable(fs, st.getPath()));
                    }
                }
                if (files.size() == before) {
                    throw new NoInputException("Input path " + p + " contains no data files.");
                }
            } catch (IOException e) {
                throw new NoInputException("Cannot list input path " + p + ": " + e.getMessage());
            }
        }
        return new ArrayList<>(files);
    }

    /**
     * Entries of a local folder that Hadoop's listing leaves out silently because their status cannot be read (a
     * link to a missing file): they are kept as inputs so that reading them fails with an {@code unreadable_input}
     * quarantine row that names them, instead of vanishing.
     */
    private static List<String> unlistable(FileSystem fs, Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        if (!"file".equals(fs.getUri().getScheme())) {
            return out;
        }
        java.nio.file.Path root = java.nio.file.Path.of(fs.makeQualified(dir).toUri());
        try (var walk = java.nio.file.Files.walk(root)) {
            walk.filter(x -> java.nio.file.Files.isSymbolicLink(x) && !java.nio.file.Files.exists(x))
                    .map(x -> fs.makeQualified(new Path(x.toUri())))
                    .filter(InputFiles::wanted).filter(x -> !inHiddenFolder(fs.makeQualified(dir), x))
                    .forEach(x -> out.add(x.toString()));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        return out;
    }

    /** True when a folder between the root and the file is hidden ('.' or '_': _truth/, .git/, _SUCCESS-style). */
    private static boolean inHiddenFolder(Path root, Path file) {
        String rootPath = root.toUri().getPath();
        for (Path p = file.getParent(); p != null && !p.toUri().getPath().equals(rootPath)
                && p.toUri().getPath().length() > rootPath.length(); p = p.getParent()) {
            if (p.getName().startsWith(".") || p.getName().startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static boolean wanted(Path p) {
        String n = p.getName();
        String lower = n.toLowerCase();
        return !n.startsWith(".") && !n.startsWith("_") && !lower.endsWith(".md") && !lower.startsWith("readme")
                && !lower.startsWith("license") && !lower.startsWith("notice") && !lower.startsWith("copying");
    }
}
