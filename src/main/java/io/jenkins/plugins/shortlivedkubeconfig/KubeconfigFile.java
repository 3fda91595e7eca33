package io.jenkins.plugins.shortlivedkubeconfig;

import hudson.AbortException;
import hudson.FilePath;
import hudson.remoting.VirtualChannel;
import hudson.slaves.WorkspaceList;
import io.jenkins.plugins.shortlivedkubeconfig.signer.LiveDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import jenkins.MasterToSlaveFileCallable;

/**
 * A kubeconfig written on the node that owns the workspace, in a fresh private directory under
 * {@code WorkspaceList.tempDir(workspace)} ({@code <workspace>@tmp}: next to the checkout, not in it, and not served
 * by the workspace browser). The writing and deleting are the core's {@link PrivateFiles}, run there through
 * {@link FilePath#act}; only the directory's name comes back to be remembered.
 *
 * @param path the file's absolute path on that node, for the environment variable
 * @param directoryName the name of its private directory, all that the clean-up needs
 */
record KubeconfigFile(String path, String directoryName) implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Writes the kubeconfig (directory 0700, file 0600, created so from the start) on the workspace's node. */
    static KubeconfigFile write(FilePath workspace, byte[] kubeconfig) throws IOException, InterruptedException {
        return parent(workspace).act(new Write(kubeconfig));
    }

    /** Deletes the directory and the kubeconfig in it; nothing happens when it is already gone. */
    static void delete(FilePath workspace, String directoryName) throws IOException, InterruptedException {
        if (!LiveDirectory.isDirectoryName(directoryName)) {
            throw new IllegalArgumentException("not a kubeconfig directory name: " + directoryName);
        }
        parent(workspace).child(directoryName).act(new AgentSideKey.DeleteDirectory());
    }

    /** {@code <workspace>@tmp}, where the private directories are made; refused when the workspace has none. */
    static FilePath parent(FilePath workspace) throws AbortException {
        FilePath tmp = WorkspaceList.tempDir(workspace);
        if (tmp == null) {
            throw new AbortException(Messages.KubeconfigFile_NoTempDir(workspace.getRemote()));
        }
        return tmp;
    }

    /** Runs on the agent: the bytes travel over the agent channel, as any credentials-binding file does. */
    private static final class Write extends MasterToSlaveFileCallable<KubeconfigFile> {
        private static final long serialVersionUID = 1L;

        private final byte[] kubeconfig;

        Write(byte[] kubeconfig) {
            this.kubeconfig = kubeconfig.clone();
        }

        @Override
        public KubeconfigFile invoke(File parent, VirtualChannel channel) throws IOException {
            Path file = PrivateFiles.writeInNewDirectory(parent.toPath(), PrivateFiles.KUBECONFIG, kubeconfig);
            Path directory = file.getParent();
            return new KubeconfigFile(file.toAbsolutePath().toString(),
                    directory == null ? "" : String.valueOf(directory.getFileName()));
        }
    }
}
