package dev.xueqing.common.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FSLinkResolver;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsConstants;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Hadoop's local file system ({@code file:}) without a child process per call. Without Hadoop's native library,
 * which no Maven artifact carries, {@link RawLocalFileSystem} runs {@code chmod} for every file and folder it
 * creates and {@code readlink} twice for every rename through {@code FileContext} (Delta's commits): about 1,300
 * processes in a nightly over the sample data, 20-75 ms each on two cores. Here the same two operations use
 * {@code java.nio}; everything else is Hadoop's. Installed for local-mode sessions by
 * {@link dev.xueqing.common.spark.SparkSessions#settings} ({@code fs.file.impl}, and {@link Fs} as
 * {@code fs.AbstractFileSystem.file.impl} for {@code FileContext}).
 *
 * <p>Behaviour kept: permissions are the same bits (a sticky, setuid or setgid bit, or a file system without POSIX
 * permissions, falls back to Hadoop's {@code chmod}); the link status of a path that is not a symbolic link is its
 * file status, as Hadoop's; a symbolic link's is read with {@code java.nio} (Hadoop's {@code readlink} is handed a
 * {@code file:} URI string and so never sees a link behind a qualified path).
 */
public final class ForklessLocalFileSystem extends LocalFileSystem {
    /** The settings that install it, for a Spark session ({@code spark.hadoop.} prefixed) or a Hadoop conf. */
    public static final Map<String, String> HADOOP_SETTINGS = Map.of(
            "fs.file.impl", ForklessLocalFileSystem.class.getName(),
            "fs.AbstractFileSystem.file.impl", Fs.class.getName());

    public ForklessLocalFileSystem() {
        super(new Raw());
    }

    /** The raw (checksum-less) file system under both front ends. */
    public static final class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            short bits = permission.toShort();
            if ((bits & ~0777) != 0) {
                super.setPermission(p, permission);
                return;
            }
            try {
                Files.setPosixFilePermissions(pathToFile(p).toPath(), posix(bits));
            } catch (UnsupportedOperationException e) {
                super.setPermission(p, permission);
            }
        }

        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            java.nio.file.Path p = pathToFile(f).toPath();
            if (!Files.isSymbolicLink(p)) {
                return getFileStatus(f);
            }
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Path path = makeQualified(f);
            Path target = FSLinkResolver.qualifySymlinkTarget(getUri(), path,
                    new Path(Files.readSymbolicLink(p).toString()));
            return new FileStatus(a.size(), false, 1, getDefaultBlockSize(f), a.lastModifiedTime().toMillis(),
                    a.lastAccessTime().toMillis(), null, null, null, target, path);
        }

        @Override
        public Path getLinkTarget(Path f) throws IOException {
            java.nio.file.Path p = pathToFile(f).toPath();
            if (!Files.isSymbolicLink(p)) {
                throw new IOException("Path " + f + " is not a symbolic link");
            }
            return new Path(Files.readSymbolicLink(p).toString());
        }
    }

    /** {@code FileContext}'s local file system (Hadoop's {@code LocalFs}) over {@link Raw}, checksums included. */
    public static final class Fs extends ChecksumFs {
        public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawFs(uri, conf));
        }
    }

    static final class RawFs extends DelegateToFileSystem {
        RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new Raw(), conf, FsConstants.LOCAL_FS_URI.getScheme(), false);
        }

        @Override
        public int getUriDefaultPort() {
            return -1;
        }

        @Override
        public boolean isValidName(String src) {
            return true;
        }
    }

    /** The nine permission bits of {@code mode} (owner, group, others; read, write, execute) as NIO's set. */
    static Set<PosixFilePermission> posix(short mode) {
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                out.add(order[i]);
            }
        }
        return out;
    }
}
