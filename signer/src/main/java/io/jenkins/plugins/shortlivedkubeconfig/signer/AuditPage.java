package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.List;

/**
 * One page of audit records, newest first.
 *
 * @param query what was asked for
 * @param entries the matching records of this page, newest first
 * @param hasMore whether older matching records exist beyond this page
 * @param unreadable lines passed over because they are not records (a half-written last line, a damaged line)
 */
public record AuditPage(AuditQuery query, List<AuditEntry> entries, boolean hasMore, int unreadable) {
    public AuditPage {
        entries = List.copyOf(entries);
    }

    /** Whether newer matching records exist before this page. */
    public boolean hasNewer() {
        return query.offset() > 0;
    }
}
