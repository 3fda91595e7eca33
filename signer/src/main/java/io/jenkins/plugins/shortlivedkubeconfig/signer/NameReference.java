package io.jenkins.plugins.shortlivedkubeconfig.signer;

import org.yaml.snakeyaml.nodes.Node;

/**
 * A name one document uses for another (a user's role, a binding's user), with where it is written, so that a
 * reference to something the policy does not define is reported at its own line and list index.
 *
 * @param field the field path as messages show it, e.g. {@code user "jenkins": spec.roles[1]}
 */
record NameReference(String name, Node node, String field) { }
