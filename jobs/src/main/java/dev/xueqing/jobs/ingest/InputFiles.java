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
 * list of files. In folders, hidden files and files in hidden sub-folders (starting with '.' or '_', such as the
 * {@code _truth/} of {@code xueqing generate}), README/Markdown files and LICENSE, NOTICE and COPYING files are
 * skipped (a file named explicitly is always read).
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
                            if (f.isFile() && wanted(f.getPath()) && !underHiddenFolder(st.getPath(), f.getPath())) {
                                files.add(fs.makeQualified(f.getPath()).toString());
                            }
                        }
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

    /** Whether a folder between {@code root} and {@code file} is hidden ('.' or '_', e.g. a generator's _truth/). */
    private static boolean underHiddenFolder(Path root, Path file) {
        String rootPath = root.toUri().getPath();
        for (Path d = file.getParent(); d != null && d.toUri().getPath().length() > rootPath.length();
                d = d.getParent()) {
            if (d.getName().startsWith(".") || d.getName().startsWith("_")) {
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
