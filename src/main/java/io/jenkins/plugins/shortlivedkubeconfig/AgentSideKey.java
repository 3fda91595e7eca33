package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.remoting.VirtualChannel;
import io.jenkins.plugins.shortlivedkubeconfig.signer.ClusterEndpoint;
import io.jenkins.plugins.shortlivedkubeconfig.signer.InvalidInputException;
import io.jenkins.plugins.shortlivedkubeconfig.signer.IssuedCertificate;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyAlgorithm;
import io.jenkins.plugins.shortlivedkubeconfig.signer.KeyDirectory;
import io.jenkins.plugins.shortlivedkubeconfig.signer.PrivateFiles;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import jenkins.MasterToSlaveFileCallable;

/**
 * What runs on the node of a block for agent-side keys; the work itself is the core's {@link KeyDirectory}. Only
 * public material crosses the channel: {@link MakeKey} carries nothing and returns the CSR and the directory's name;
 * {@link InstallCertificate} carries the certificate and the cluster's public fields. The private key is generated,
 * kept and used there, in the block's private directory.
 */
final class AgentSideKey {
    private AgentSideKey() {}

    /**
     * What {@link MakeKey} returns. No secret: the CSR is public, the directory name random.
     *
     * @param parent the absolute path of the directory that holds the new private directory, on that node
     * @param csrPem the request for the key kept there; null when the node could not make a key
     * @param unavailable why the node could not make a key, when it could not
     */
    record Prepared(String parent, @CheckForNull String directoryName, @CheckForNull String csrPem,
                    @CheckForNull String unavailable) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Generates the key pair on the node, in a new private directory under the callable's file. */
    static final class MakeKey extends MasterToSlaveFileCallable<Prepared> {
        private static final long serialVersionUID = 1L;

        @Override
        public Prepared invoke(File parent, VirtualChannel channel) throws IOException {
            KeyDirectory.Created created;
            try {
                created = KeyDirectory.create(parent.toPath(), KeyAlgorithm.EC_P256);
            } catch (IllegalStateException | LinkageError e) {
                // A JVM without EC P-256 (a stripped or FIPS-restricted runtime), or one that cannot load the classes.
                return new Prepared(parent.getAbsolutePath(), null, null, e.getClass().getSimpleName() + ": "
                        + e.getMessage());
            }
            return new Prepared(parent.getAbsolutePath(), String.valueOf(created.directory().getFileName()),
                    created.csr().pem(), null);
        }
    }

    /** Writes (or atomically replaces) the kubeconfig in the private directory, for the key kept there. */
    static final class InstallCertificate extends MasterToSlaveFileCallable<String> {
        private static final long serialVersionUID = 1L;

        private final String certificatePem;
        private final String cluster;
        private final String server;
        @CheckForNull
        private final String serverCaPem;
        @CheckForNull
        private final String tlsServerName;
        @CheckForNull
        private final String namespace;

        InstallCertificate(IssuedCertificate issued) {
            this.certificatePem = issued.certificatePem();
            ClusterEndpoint endpoint = issued.cluster();
            this.cluster = endpoint.name();
            this.server = endpoint.server();
            this.serverCaPem = endpoint.serverCaPem();
            this.tlsServerName = endpoint.tlsServerName();
            this.namespace = endpoint.namespace();
        }

        /** The certificate this callable carries (for tests: it is all that crosses the channel). */
        String certificatePem() {
            return certificatePem;
        }

        @Override
        public String invoke(File directory, VirtualChannel channel) throws IOException {
            try {
                return KeyDirectory.install(directory.toPath(),
                        new ClusterEndpoint(cluster, server, serverCaPem, tlsServerName, namespace), certificatePem)
                        .toString();
            } catch (InvalidInputException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /** Deletes a private directory and everything in it; nothing happens when it is already gone. */
    static final class DeleteDirectory extends MasterToSlaveFileCallable<Boolean> {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean invoke(File directory, VirtualChannel channel) throws IOException {
            return PrivateFiles.deleteDirectory(directory.toPath());
        }
    }
}
