package io.jenkins.plugins.shortlivedkubeconfig.signer;

import java.util.List;

/** Valid policies that generated inputs start from: every field the parser honours appears in one of them. */
public final class PolicySeeds {
    private PolicySeeds() {}

    /** The shipped examples/robots.yaml without its comments (PolicyParserTest checks that the file loads). */
    public static final String TELEPORT_SEED = """
            kind: role
            version: v5
            metadata:
              name: robot
            spec:
              allow:
                kubernetes_groups: ['system:masters']
            ---
            kind: user
            version: v2
            metadata:
              name: jenkins
            spec:
              roles: ['robot']
            ---
            kind: job_binding
            version: v1
            metadata:
              name: deploy-jobs
            spec:
              users: ['jenkins']
              jobs: ['deploy/**']
            """;

    public static final String FULL = """
            kind: role
            version: v7
            metadata:
              name: deployer
              description: deploys things
              labels: {team: blue}
            spec:
              allow:
                kubernetes_groups: [deployers, '{{internal.kubernetes_groups}}', 'team-{{external.team}}']
                kubernetes_users: [ci-deployer, '{{internal.kubernetes_users}}']
                kubernetes_labels: {'*': '*'}
                kubernetes_resources: [{kind: '*', namespace: '*', name: '*', verbs: ['*']}]
                logins: [root]
                node_labels: {'*': '*'}
              deny:
                kubernetes_groups: [system:masters]
                kubernetes_users: [admin]
                kubernetes_labels: {env: prod}
              options:
                max_session_ttl: 8h
                forward_agent: true
            ---
            kind: role
            version: v6
            metadata:
              name: viewer
            spec:
              allow:
                kubernetes_groups: [view]
                kubernetes_resources: [{kind: pod, namespace: '*', name: '*'}]
              options:
                max_session_ttl: 2d
            ---
            kind: role
            version: v5
            metadata:
              name: forever
            spec:
              options:
                max_session_ttl: never
            ---
            kind: user
            version: v2
            metadata:
              name: jenkins
              expires: 2030-01-01T00:00:00Z
            spec:
              roles: [deployer, viewer, forever]
              traits:
                kubernetes_groups: [team-blue, '']
                kubernetes_users: [ci]
                team: [blue, red]
              status: {is_locked: false}
              created_by: {user: {name: admin}}
            ---
            kind: user
            version: v2
            metadata:
              name: reader
            spec:
              roles: [viewer]
            ---
            kind: job_binding
            version: v1
            metadata:
              name: deploy-pipelines
            spec:
              users: [jenkins, reader]
              jobs: ['deploy/**', 'org/*/main', 'org/app/PR-*', 'org/**/release-?', 'a/**/b']
            """;

    public static final String DENY_ALL = """
            kind: role
            version: v7
            metadata: {name: r}
            spec:
              allow: {kubernetes_groups: [a, b], kubernetes_users: [u1, u2]}
              deny: {kubernetes_groups: ['*'], kubernetes_users: [u1]}
            ---
            kind: user
            version: v2
            metadata: {name: bot}
            spec: {roles: [r], traits: {}}
            """;

    public static final List<String> ALL = List.of(TELEPORT_SEED, FULL, DENY_ALL, PolicyParserTest.SEED);
}
