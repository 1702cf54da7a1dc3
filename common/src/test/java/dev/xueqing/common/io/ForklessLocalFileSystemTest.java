package dev.xueqing.common.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForklessLocalFileSystemTest {
    private static Configuration conf() {
        Configuration c = new Configuration(false);
        ForklessLocalFileSystem.HADOOP_SETTINGS.forEach(c::set);
        c.setBoolean("fs.file.impl.disable.cache", true);
        return c;
    }

    @Test
    void theSettingsInstallItForFileSystemAndFileContext() throws Exception {
        Configuration c = conf();
        assertThat(FileSystem.get(java.net.URI.create("file:///"), c)).isInstanceOf(ForklessLocalFileSystem.class);
        assertThat(FileContext.getLocalFSFileContext(c).getDefaultFileSystem())
                .isInstanceOf(ForklessLocalFileSystem.Fs.class);
    }

    @Test
    void permissionsAreTheBitsHadoopAsksFor(@TempDir java.nio.file.Path dir) throws Exception {
        FileSystem fs = FileSystem.get(java.net.URI.create("file:///"), conf());
        Path file = new Path(dir.toUri().toString(), "a/b/part-0.parquet");
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write("x".getBytes(StandardCharsets.UTF_8));
        }
        fs.setPermission(file, new FsPermission((short) 0640));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b/part-0.parquet"))))
                .isEqualTo("rw-r-----");
        fs.setPermission(file, new FsPermission((short) 0751));
        assertThat(fs.getFileStatus(file).getPermission()).isEqualTo(new FsPermission((short) 0751));
        // the checksum file of the checksummed front end is written too
        assertThat(dir.resolve("a/b/.part-0.parquet.crc")).exists();
        assertThatThrownBy(() -> fs.setPermission(new Path(dir.toUri().toString(), "missing"),
                new FsPermission((short) 0644))).isInstanceOf(java.io.IOException.class);
        assertThat(ForklessLocalFileSystem.posix((short) 0754)).isEqualTo(PosixFilePermissions.fromString("rwxr-xr--"));
    }

    @Test
    void renameThroughFileContextAndLinkStatusMatchHadoops(@TempDir java.nio.file.Path dir) throws Exception {
        FileContext fc = FileContext.getFileContext(java.net.URI.create("file:///"), conf());
        Files.writeString(dir.resolve("tmp.json"), "{}");
        Path src = new Path(dir.toUri().toString(), "tmp.json");
        Path dst = new Path(dir.toUri().toString(), "00000.json");
        fc.rename(src, dst, Options.Rename.NONE);
        assertThat(dir.resolve("00000.json")).hasContent("{}");
        assertThat(dir.resolve("tmp.json")).doesNotExist();
        // an existing destination is refused without OVERWRITE, as Delta's log store relies on
        Files.writeString(dir.resolve("tmp2.json"), "{\"b\":1}");
        assertThatThrownBy(() -> fc.rename(new Path(dir.toUri().toString(), "tmp2.json"), dst, Options.Rename.NONE))
                .isInstanceOf(org.apache.hadoop.fs.FileAlreadyExistsException.class);
        assertThat(dir.resolve("00000.json")).hasContent("{}");

        FileStatus plain = fc.getFileLinkStatus(dst);
        assertThat(plain.isSymlink()).isFalse();
        assertThat(plain.getLen()).isEqualTo(2);
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("00000.json"));
        FileStatus link = fc.getFileLinkStatus(new Path(dir.toUri().toString(), "link"));
        assertThat(link.isSymlink()).isTrue();
        assertThat(link.getSymlink().toUri().getPath()).isEqualTo(dir.resolve("00000.json").toString());
        // a dangling link is a link too
        Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("gone"));
        assertThat(fc.getFileLinkStatus(new Path(dir.toUri().toString(), "dangling")).isSymlink()).isTrue();
        assertThatThrownBy(() -> fc.getFileLinkStatus(new Path(dir.toUri().toString(), "none")))
                .isInstanceOf(FileNotFoundException.class);
    }
}
