package io.jenkins.plugins.shortlivedkubeconfig;

import hudson.Extension;
import hudson.ExtensionList;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditEvent;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditPage;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditQuery;
import io.jenkins.plugins.shortlivedkubeconfig.signer.AuditSink;
import io.jenkins.plugins.shortlivedkubeconfig.signer.JsonLinesAuditLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import jenkins.util.SystemProperties;

/**
 * The audit trail inside Jenkins: every issuance and refusal (builds, the CLI command, the REST endpoint) as one JSON
 * line in {@code $JENKINS_HOME/short-lived-kubeconfig/audit.jsonl} (flushed before a kubeconfig is handed out,
 * rotated by size, readable by the controller's user only; the core's {@link JsonLinesAuditLog} does all of that)
 * and on a logger of its own, so that an administrator can also keep it with a log recorder or ship it with the
 * controller's logging. Never sees key material: the core's {@link AuditEvent} holds none.
 *
 * <p>Rotation: {@code -Dio.jenkins.plugins.shortlivedkubeconfig.AuditTrail.maxFileBytes=10485760} and
 * {@code -Dio.jenkins.plugins.shortlivedkubeconfig.AuditTrail.files=10} (the defaults).
 */
@Extension
public final class AuditTrail implements AuditSink {
    /** The logger name to record in a log recorder. */
    static final String LOGGER_NAME = "io.jenkins.plugins.shortlivedkubeconfig.audit";
    /** The directory under {@code $JENKINS_HOME}. */
    static final String DIRECTORY = "short-lived-kubeconfig";
    static final String FILE = "audit.jsonl";

    private static final Logger LOGGER = Logger.getLogger(LOGGER_NAME);

    private volatile JsonLinesAuditLog log;

    /** The one instance Jenkins made. */
    public static AuditTrail get() {
        return ExtensionList.lookupSingleton(AuditTrail.class);
    }

    /**
     * Logs the record, then appends it to the file. A record that cannot be written to the file throws, so that the
     * core hands out no kubeconfig without its record.
     */
    @Override
    public void record(AuditEvent event) {
        // No parameters, so java.util.logging leaves the braces of the JSON alone.
        LOGGER.info(event.toJson());
        log().record(event);
    }

    /** Records newest first, filtered and a page at a time, across the rotated files. */
    public AuditPage read(AuditQuery query) throws IOException {
        return log().read(query);
    }

    /** The current audit file. */
    public Path file() {
        return log().file();
    }

    private JsonLinesAuditLog log() {
        JsonLinesAuditLog current = log;
        if (current == null) {
            synchronized (this) {
                current = log;
                if (current == null) {
                    current = open();
                    log = current;
                }
            }
        }
        return current;
    }

    private static JsonLinesAuditLog open() {
        Path dir = Jenkins.get().getRootDir().toPath().resolve(DIRECTORY);
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the audit directory " + dir, e);
        }
        long maxFileBytes = SystemProperties.getLong(AuditTrail.class.getName() + ".maxFileBytes",
                JsonLinesAuditLog.DEFAULT_MAX_FILE_BYTES);
        int files = SystemProperties.getInteger(AuditTrail.class.getName() + ".files", JsonLinesAuditLog.DEFAULT_FILES);
        return new JsonLinesAuditLog(dir.resolve(FILE), maxFileBytes, files);
    }
}
