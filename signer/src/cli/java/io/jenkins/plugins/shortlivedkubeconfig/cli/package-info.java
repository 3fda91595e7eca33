/**
 * The {@code kubeconfig-signer} command line, modelled on {@code tctl auth sign}: a thin picocli layer over the
 * signing core. Not part of the Jenkins plugin.
 */
@DefaultAnnotation(NonNull.class)
package io.jenkins.plugins.shortlivedkubeconfig.cli;

import edu.umd.cs.findbugs.annotations.DefaultAnnotation;
import edu.umd.cs.findbugs.annotations.NonNull;
