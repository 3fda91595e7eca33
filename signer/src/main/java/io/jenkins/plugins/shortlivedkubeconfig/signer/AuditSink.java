package io.jenkins.plugins.shortlivedkubeconfig.signer;

/**
 * Where audit records go: a JSON-lines file for the CLI, Jenkins's log and the build for the plugin. Called once
 * per issuance or refusal, from any thread, so implementations must be thread-safe. A sink that cannot record
 * throws: the {@link Issuer} then hands out no kubeconfig, so no certificate exists without its record.
 */
@FunctionalInterface
public interface AuditSink {
    /** Discards every record. */
    AuditSink NONE = event -> { };

    void record(AuditEvent event);
}
