package io.jenkins.plugins.shortlivedkubeconfig;

import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditEvent;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditSink;
import java.util.logging.Logger;

/**
 * The audit trail inside Jenkins: every issuance and refusal as one JSON line on a logger of its own, so that an
 * administrator can keep it with a log recorder (Manage Jenkins » System Log) or ship it with the controller's
 * logging configuration, apart from everything else Jenkins logs. Never sees key material: the core's
 * {@link AuditEvent} holds none.
 */
final class AuditLog implements AuditSink {
    /** The logger name to record in a log recorder. */
    static final String LOGGER_NAME = "io.jenkins.plugins.shortlivedkubeconfig.audit";

    private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);

    @Override
    public void record(AuditEvent event) {
        // No parameters, so java.util.logging leaves the braces of the JSON alone.
        LOGGER.info(event.toJson());
    }
}
