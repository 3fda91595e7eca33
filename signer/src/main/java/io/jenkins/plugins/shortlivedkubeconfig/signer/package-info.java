/**
 * The signing core: a client CA, Teleport-compatible robot roles and users with per-job limits, short-lived client
 * certificates, kubeconfig files written privately, and an audit trail. Nothing here knows about Jenkins; the plugin
 * and the CLI both call {@link io.jenkins.plugins.shortlivedkubeconfig.signer.Issuer}.
 */
@DefaultAnnotation(NonNull.class)
package io.jenkins.plugins.shortlivedkubeconfig.signer;

import edu.umd.cs.findbugs.annotations.DefaultAnnotation;
import edu.umd.cs.findbugs.annotations.NonNull;
