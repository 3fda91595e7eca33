package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One private kubeconfig directory that a build's block created on a node: where it is and which build owns it.
 * Nothing in it is secret: the directory's name is random and says nothing about the key inside.
 *
 * @param node the node's name as Jenkins names it, empty for the built-in node
 * @param parent the absolute path, on that node, of the directory that holds it ({@code <workspace>@tmp})
 * @param name the private directory's own name, e.g. {@code kubeconfig-8123551203}
 * @param build the build whose block created it
 */
public record LiveDirectory(String node, String parent, String name, Requester build) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    public LiveDirectory {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(build, "build");
        if (!isDirectoryName(name)) {
            throw new IllegalArgumentException("not a private directory name: " + MessageText.quote(name));
        }
        if (parent.isEmpty()) {
            throw new IllegalArgumentException("the parent directory's path is empty");
        }
    }

    /** Whether a name can be a private directory's: no path separator, no dot, nothing that climbs out. */
    public static boolean isDirectoryName(String name) {
        return NAME.matcher(name).matches();
    }

    /** The directory's path on its node, joined with the separator its parent path uses. */
    public String path() {
        String separator = parent.contains("\\") && !parent.contains("/") ? "\\" : "/";
        return parent.endsWith(separator) ? parent + name : parent + separator + name;
    }

    /** For messages: {@code /ws@tmp/kubeconfig-1 on node "agent-1"}, or {@code ... on the built-in node}. */
    public String describe() {
        return path() + (node.isEmpty() ? " on the built-in node" : " on node " + MessageText.quote(node));
    }
}
