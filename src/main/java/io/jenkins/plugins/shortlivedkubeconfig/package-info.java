/**
 * The Jenkins glue around the signing core ({@code io.jenkins.plugins.shortlivedkubeconfig.signer}): the
 * {@code withShortLivedKubeconfig} build wrapper, the global configuration with its CA credential, the audit log and
 * the build action. Every decision (who may get which identity, for how long) is the core's; this package only
 * gathers the inputs, writes the result where the build runs and cleans it up.
 */
@DefaultAnnotation(NonNull.class)
package io.jenkins.plugins.shortlivedkubeconfig;

import edu.umd.cs.findbugs.annotations.DefaultAnnotation;
import edu.umd.cs.findbugs.annotations.NonNull;
