package io.jenkins.plugins.shortlivedkubeconfig.signer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void writesIntoAFreshOwnerOnlyDirectory() throws Exception {
        Path parent = tmp.resolve("ws@tmp");
        Path file = PrivateFiles.writeInNewDirectory(parent, PrivateFiles.KUBECONFIG, "secret".getBytes(StandardCharsets.UTF_8));
        assertThat(file).hasFileName("kubeconfig").hasContent("secret");
        assertThat(file.getParent().getParent()).isEqualTo(parent);
        assertThat(mode(file.getParent())).isEqualTo("rwx------");
        assertThat(mode(file)).isEqualTo("rw-------");
        Path second = PrivateFiles.writeInNewDirectory(parent, PrivateFiles.KUBECONFIG, new byte[] {1});
        assertThat(second.getParent()).isNotEqualTo(file.getParent());
    }

    @Test
    void deleteRemovesTheDirectoryAndIsIdempotent() throws Exception {
        Path file = PrivateFiles.writeInNewDirectory(tmp, "kubeconfig", new byte[] {1, 2});
        Path dir = file.getParent();
        assertThat(PrivateFiles.deleteDirectory(dir)).isTrue();
        assertThat(dir).doesNotExist();
        assertThat(PrivateFiles.deleteDirectory(dir)).isFalse();
        assertThat(tmp).isEmptyDirectory();
    }

    @Test
    void deleteDoesNotFollowLinksOutOfTheDirectory() throws Exception {
        Path outside = Files.writeString(tmp.resolve("precious"), "keep me");
        Path file = PrivateFiles.writeInNewDirectory(tmp.resolve("p"), "kubeconfig", new byte[] {1});
        Files.createSymbolicLink(file.getParent().resolve("link"), outside);
        PrivateFiles.deleteDirectory(file.getParent());
        assertThat(outside).hasContent("keep me");
    }

    @Test
    void replaceIsAtomicAndLeavesA0600File() throws Exception {
        Path target = tmp.resolve("kubeconfig");
        Files.writeString(target, "old");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        PrivateFiles.replace(target, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(target).hasContent("new");
        assertThat(mode(target)).isEqualTo("rw-------");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactly(target); // no temporary file left
        }
    }

    @Test
    void aFailedReplaceLeavesTheTargetExactlyAsItWas() throws Exception {
        Path target = tmp.resolve("kubeconfig");
        Files.writeString(target, "old");
        Path asDirectory = tmp.resolve("dir");
        Files.createDirectory(asDirectory);
        assertThatThrownBy(() -> PrivateFiles.replace(asDirectory, new byte[] {1})).isInstanceOf(IOException.class)
                .hasMessageEndingWith("is a directory");
        assertThatThrownBy(() -> PrivateFiles.replace(tmp.resolve("missing/kubeconfig"), new byte[] {1}))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(target).hasContent("old");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactlyInAnyOrder(target, asDirectory);
        }
    }

    @Test
    void refusesFileNamesThatAreNotPlain() {
        assertThatThrownBy(() -> PrivateFiles.writeInNewDirectory(tmp, "../evil", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(tmp).isEmptyDirectory();
    }
}
