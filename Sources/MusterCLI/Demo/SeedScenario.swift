/// The seed incident (`kafka-lag-storm`), embedded so `muster demo` runs from any directory.
///
/// A copy of the public scenario file; `DemoTests` checks it stays identical to it.
enum SeedScenario {
    static let name = "kafka-lag-storm.yaml"
    static let text = #"""
        version: 1
        name: kafka-lag-storm
        description: >
          Friday evening. One customer (three orgs) creates 1.7 million automation runs in 90
          minutes. Kafka consumer lag climbs on every service that consumes the runs topic, and
          three teams are paged separately (two through PagerDuty, one through both Alertmanager
          and PagerDuty). Two on-call engineers restart their workers; lag dips, then keeps
          climbing. An unrelated billing incident starts half an hour in. In the real incident it
          took 43 minutes before anyone connected the three pages and 77 minutes before the
          threads merged; the fix was to scale the consumers out.
        start: 2026-11-20T17:00:00Z

        catalog:
          # people and teams
          - {kind: team, id: actions, title: Actions, properties: {slack_channel: "#team-actions"}}
          - {kind: team, id: builder, title: Builder, properties: {slack_channel: "#team-builder"}}
          - {kind: team, id: spotlight, title: Spotlight, properties: {slack_channel: "#team-spotlight"}}
          - {kind: team, id: payments, title: Payments, properties: {slack_channel: "#team-payments"}}
          - {kind: team, id: platform, title: Platform, properties: {slack_channel: "#team-platform"}}
          - {kind: user, id: dan, title: Dan Okafor, properties: {email: dan@example.com, slack_id: U0DAN}, relations: {memberOf: team:actions}}
          - {kind: user, id: erin, title: Erin Vale, properties: {email: erin@example.com, slack_id: U0ERIN}, relations: {memberOf: team:builder}}
          - {kind: user, id: gwen, title: Gwen Moreau, properties: {email: gwen@example.com, slack_id: U0GWEN}, relations: {memberOf: team:builder}}
          - {kind: user, id: hal, title: Hal Brennan, properties: {email: hal@example.com, slack_id: U0HAL}, relations: {memberOf: team:spotlight}}
          - {kind: user, id: ivy, title: Ivy Chen, properties: {email: ivy@example.com, slack_id: U0IVY}, relations: {memberOf: team:payments}}
          - {kind: user, id: jo, title: Jo Lindqvist, properties: {email: jo@example.com, slack_id: U0JO}, relations: {memberOf: team:platform}}

          # customers and the orgs that appear in metric labels
          - {kind: customer, id: acme, title: Acme Corp, properties: {tier: enterprise}}
          - {kind: customer, id: globex, title: Globex}
          - {kind: customer, id: initech, title: Initech}
          - {kind: customer, id: umbrella, title: Umbrella}
          - {kind: org, id: org-acme-prod, relations: {belongsTo: customer:acme}}
          - {kind: org, id: org-acme-eu, relations: {belongsTo: customer:acme}}
          - {kind: org, id: org-acme-sandbox, relations: {belongsTo: customer:acme}}
          - {kind: org, id: org-globex, relations: {belongsTo: customer:globex}}
          - {kind: org, id: org-initech, relations: {belongsTo: customer:initech}}
          - {kind: org, id: org-umbrella, relations: {belongsTo: customer:umbrella}}

          # infrastructure
          - kind: resource
            id: kafka-main
            title: Kafka cluster (main)
            properties:
              type: kafka-cluster
              signals:
                - {name: cluster-health, type: health, metric: kafka_cluster_healthy, match: {cluster: main}}
                - {name: under-replicated, type: saturation, metric: kafka_under_replicated_partitions, match: {cluster: main}}
            relations: {ownedBy: team:platform}
          - kind: resource
            id: kafka-automation-runs
            title: Topic automation-runs
            properties: {type: kafka-topic}
            relations: {ownedBy: team:platform, dependsOn: [resource:kafka-main]}
          - kind: resource
            id: stripe-api
            title: Stripe API (external)
            properties:
              type: external-api
              signals:
                - {name: reachability, type: health, metric: probe_success, match: {target: stripe-api}}
            relations: {ownedBy: team:payments}

          # services
          - kind: service
            id: automation-api
            title: Automation API
            properties:
              actions: [restart, rollback]
              replicas: 6
              signals:
                - {name: run-creation, type: load, metric: automation_runs_created_total, rate: true, match: {service: automation-api}, breakdown: org}
                - {name: errors, type: errors, metric: http_requests_errors_ratio, match: {service: automation-api}}
            relations: {ownedBy: team:actions, dependsOn: [resource:kafka-automation-runs]}
          - kind: service
            id: actions-worker
            title: Actions worker
            properties:
              pagerduty_service_id: PACTWRK
              actions: [restart]
              replicas: 4
              signals:
                - {name: consumer-lag, type: lag, metric: kafka_consumergroup_lag, match: {consumergroup: actions-worker}}
                - {name: processed, type: load, metric: automation_runs_processed_total, rate: true, match: {service: actions-worker}}
                - {name: cpu, type: saturation, metric: container_cpu_utilisation, match: {service: actions-worker}}
            relations: {ownedBy: team:actions, dependsOn: [resource:kafka-automation-runs, service:automation-api]}
          - kind: service
            id: builder-sync
            title: Builder sync
            properties:
              pagerduty_service_id: PBLDSYN
              actions: [restart, rollback]
              replicas: 2
              signals:
                - {name: consumer-lag, type: lag, metric: kafka_consumergroup_lag, match: {consumergroup: builder-sync}}
                - {name: errors, type: errors, metric: http_requests_errors_ratio, match: {service: builder-sync}}
            relations: {ownedBy: team:builder, dependsOn: [resource:kafka-automation-runs]}
          - kind: service
            id: spotlight-indexer
            title: Spotlight indexer
            properties:
              pagerduty_service_id: PSPTIDX
              actions: [restart, scale-out]
              replicas: 3
              signals:
                - {name: consumer-lag, type: lag, metric: kafka_consumergroup_lag, match: {consumergroup: spotlight-indexer}}
            relations: {ownedBy: team:spotlight, dependsOn: [resource:kafka-automation-runs]}
          - kind: service
            id: billing-api
            title: Billing API
            properties:
              pagerduty_service_id: PBILAPI
              actions: [restart, rollback]
              replicas: 3
              signals:
                - {name: errors, type: errors, metric: http_requests_errors_ratio, match: {service: billing-api}}
            relations: {ownedBy: team:payments, dependsOn: [resource:stripe-api]}

        oncall:
          - {team: team:actions, user: user:dan, from: -12h, to: 12h}
          - {team: team:builder, user: user:gwen, from: -12h, to: 12h}
          - {team: team:spotlight, user: user:hal, from: -12h, to: 12h}
          - {team: team:payments, user: user:ivy, from: -12h, to: 12h}
          - {team: team:platform, user: user:jo, from: -12h, to: 12h}

        metrics:
          step: 1m
          from: -3h
          to: 2h
          series:
            # run creation per org: acme's three orgs jump from ~2/s to 105/s each at 0s
            - {name: automation_runs_created_total, type: counter, labels: {service: automation-api, org: org-acme-prod}, noise: 0.05,
               segments: [{from: -3h, rate: 2.0}, {from: 0s, rate: 105}, {from: 90m, rate: 2.0}]}
            - {name: automation_runs_created_total, type: counter, labels: {service: automation-api, org: org-acme-eu}, noise: 0.05,
               segments: [{from: -3h, rate: 1.5}, {from: 0s, rate: 105}, {from: 90m, rate: 1.5}]}
            - {name: automation_runs_created_total, type: counter, labels: {service: automation-api, org: org-acme-sandbox}, noise: 0.05,
               segments: [{from: -3h, rate: 0.5}, {from: 0s, rate: 105}, {from: 90m, rate: 0.5}]}
            - {name: automation_runs_created_total, type: counter, labels: {service: automation-api, org: org-globex}, noise: 0.05,
               segments: [{from: -3h, rate: 3.0}]}
            - {name: automation_runs_created_total, type: counter, labels: {service: automation-api, org: org-initech}, noise: 0.05,
               segments: [{from: -3h, rate: 2.5}]}
            - {name: automation_runs_created_total, type: counter, labels: {service: automation-api, org: org-umbrella}, noise: 0.05,
               segments: [{from: -3h, rate: 1.5}]}

            # the workers consume at capacity
            - {name: automation_runs_processed_total, type: counter, labels: {service: actions-worker}, noise: 0.03,
               segments: [{from: -3h, rate: 11}, {from: 1m, rate: 48}]}
            - {name: container_cpu_utilisation, type: gauge, labels: {service: actions-worker}, noise: 0.02,
               segments: [{from: -3h, value: 0.24}, {from: 1m, value: 0.97}]}

            # consumer lag on every consumer of the topic; the restarts at 15m and 20m dip it briefly
            - {name: kafka_consumergroup_lag, type: gauge, labels: {consumergroup: actions-worker, topic: automation-runs}, noise: 0.02,
               segments: [{from: -3h, value: 150}, {from: 2m, value: 150, ramp_to: 192000}, {from: 15m, value: 192000, ramp_to: 171000},
                          {from: 17m, value: 171000, ramp_to: 1400000}, {from: 90m, value: 1400000, ramp_to: 1310000}]}
            - {name: kafka_consumergroup_lag, type: gauge, labels: {consumergroup: builder-sync, topic: automation-runs}, noise: 0.02,
               segments: [{from: -3h, value: 80}, {from: 2m, value: 80, ramp_to: 210000}, {from: 20m, value: 210000, ramp_to: 188000},
                          {from: 22m, value: 188000, ramp_to: 1500000}, {from: 90m, value: 1500000}]}
            - {name: kafka_consumergroup_lag, type: gauge, labels: {consumergroup: spotlight-indexer, topic: automation-runs}, noise: 0.02,
               segments: [{from: -3h, value: 300}, {from: 3m, value: 300, ramp_to: 950000}, {from: 90m, value: 950000}]}

            # healthy infrastructure: this is not a broker problem
            - {name: kafka_cluster_healthy, type: gauge, labels: {cluster: main}, segments: [{from: -3h, value: 1}]}
            - {name: kafka_under_replicated_partitions, type: gauge, labels: {cluster: main}, segments: [{from: -3h, value: 0}]}

            # error ratios: builder-sync was deployed two hours ago and is fine; billing fails when Stripe does
            - {name: http_requests_errors_ratio, type: gauge, labels: {service: automation-api}, noise: 0.1, segments: [{from: -3h, value: 0.002}]}
            - {name: http_requests_errors_ratio, type: gauge, labels: {service: builder-sync}, noise: 0.1, segments: [{from: -3h, value: 0.001}]}
            - {name: http_requests_errors_ratio, type: gauge, labels: {service: billing-api}, noise: 0.1,
               segments: [{from: -3h, value: 0.003}, {from: 27m, value: 0.41}, {from: 70m, value: 0.003}]}
            - {name: probe_success, type: gauge, labels: {target: stripe-api},
               segments: [{from: -3h, value: 1}, {from: 26m, value: 0}, {from: 68m, value: 1}]}

        timeline:
          - at: -2h
            deploy: {service: service:builder-sync, version: 3.4.1, by: user:erin, commit: 9f1c2ab}

          - id: pd-actions
            at: 8m
            alert:
              source: pagerduty
              payload:
                event:
                  id: 01HZX8ACTNS0000000000000A1
                  event_type: incident.triggered
                  resource_type: incident
                  occurred_at: "2026-11-20T17:08:00.000Z"
                  agent: {id: PAGENT1, type: service_reference, summary: Alertmanager}
                  client: null
                  data:
                    id: Q1ACTNSLAG001
                    type: incident
                    self: https://api.pagerduty.com/incidents/Q1ACTNSLAG001
                    html_url: https://example.pagerduty.com/incidents/Q1ACTNSLAG001
                    number: 4711
                    status: triggered
                    incident_key: actions-worker-consumer-lag
                    created_at: "2026-11-20T17:08:00Z"
                    title: "[FIRING] Kafka consumer lag above 100k: actions-worker"
                    service: {id: PACTWRK, type: service_reference, summary: actions-worker, html_url: https://example.pagerduty.com/services/PACTWRK}
                    assignees: [{id: PUDAN01, type: user_reference, summary: Dan Okafor}]
                    escalation_policy: {id: PEPACT1, type: escalation_policy_reference, summary: Actions on-call}
                    teams: [{id: PTACTNS, type: team_reference, summary: Actions}]
                    priority: null
                    urgency: high

          - id: pd-builder
            at: 9m
            alert:
              source: pagerduty
              payload:
                event:
                  id: 01HZX8BLDR00000000000000B1
                  event_type: incident.triggered
                  resource_type: incident
                  occurred_at: "2026-11-20T17:09:00.000Z"
                  agent: {id: PAGENT2, type: service_reference, summary: New Relic}
                  client: null
                  data:
                    id: Q1BLDRSYNC001
                    type: incident
                    self: https://api.pagerduty.com/incidents/Q1BLDRSYNC001
                    html_url: https://example.pagerduty.com/incidents/Q1BLDRSYNC001
                    number: 4712
                    status: triggered
                    incident_key: builder-sync-lag
                    created_at: "2026-11-20T17:09:00Z"
                    title: "builder-sync: message processing delay over 5 minutes"
                    service: {id: PBLDSYN, type: service_reference, summary: builder-sync}
                    assignees: [{id: PUGWEN1, type: user_reference, summary: Gwen Moreau}]
                    escalation_policy: {id: PEPBLD1, type: escalation_policy_reference, summary: Builder on-call}
                    teams: [{id: PTBLDR1, type: team_reference, summary: Builder}]
                    priority: null
                    urgency: high

          - id: pd-actions-ack
            at: 9m30s
            alert:
              source: pagerduty
              payload:
                event:
                  id: 01HZX8ACTNS0000000000000A2
                  event_type: incident.acknowledged
                  resource_type: incident
                  occurred_at: "2026-11-20T17:09:30.000Z"
                  agent: {id: PUDAN01, type: user_reference, summary: Dan Okafor}
                  client: null
                  data:
                    id: Q1ACTNSLAG001
                    type: incident
                    number: 4711
                    status: acknowledged
                    incident_key: actions-worker-consumer-lag
                    created_at: "2026-11-20T17:08:00Z"
                    title: "[FIRING] Kafka consumer lag above 100k: actions-worker"
                    service: {id: PACTWRK, type: service_reference, summary: actions-worker}
                    assignees: [{id: PUDAN01, type: user_reference, summary: Dan Okafor}]
                    urgency: high

          - id: am-spotlight
            at: 12m
            alert:
              source: alertmanager
              payload:
                version: "4"
                groupKey: '{}:{alertname="KafkaConsumerGroupLagHigh"}'
                truncatedAlerts: 0
                status: firing
                receiver: muster
                groupLabels: {alertname: KafkaConsumerGroupLagHigh}
                commonLabels: {alertname: KafkaConsumerGroupLagHigh, severity: critical, consumergroup: spotlight-indexer, topic: automation-runs}
                commonAnnotations: {summary: Consumer group spotlight-indexer is falling behind on automation-runs}
                externalURL: http://alertmanager.internal:9093
                alerts:
                  - status: firing
                    labels: {alertname: KafkaConsumerGroupLagHigh, severity: critical, consumergroup: spotlight-indexer, topic: automation-runs}
                    annotations: {summary: Consumer group spotlight-indexer is falling behind on automation-runs, description: "lag 142000 messages"}
                    startsAt: "2026-11-20T17:11:30Z"
                    endsAt: "0001-01-01T00:00:00Z"
                    generatorURL: http://prometheus.internal:9090/graph?g0.expr=kafka_consumergroup_lag
                    fingerprint: 5f3a9c2e71d04b88

          - id: pd-spotlight
            at: 13m
            alert:
              source: pagerduty
              payload:
                event:
                  id: 01HZX8SPTL00000000000000C1
                  event_type: incident.triggered
                  resource_type: incident
                  occurred_at: "2026-11-20T17:13:00.000Z"
                  agent: {id: PAGENT1, type: service_reference, summary: Alertmanager}
                  client: null
                  data:
                    id: Q1SPTLIDX001
                    type: incident
                    number: 4713
                    status: triggered
                    incident_key: 5f3a9c2e71d04b88
                    created_at: "2026-11-20T17:13:00Z"
                    title: "[FIRING:1] KafkaConsumerGroupLagHigh spotlight-indexer"
                    service: {id: PSPTIDX, type: service_reference, summary: spotlight-indexer}
                    assignees: [{id: PUHAL01, type: user_reference, summary: Hal Brennan}]
                    escalation_policy: {id: PEPSPT1, type: escalation_policy_reference, summary: Spotlight on-call}
                    teams: [{id: PTSPTL1, type: team_reference, summary: Spotlight}]
                    priority: null
                    urgency: high

          - at: 15m
            action: {name: restart, target: service:actions-worker, by: user:dan, result: succeeded}
          - at: 20m
            action: {name: restart, target: service:builder-sync, by: user:gwen, result: succeeded}

          - id: pd-billing
            at: 29m
            alert:
              source: pagerduty
              payload:
                event:
                  id: 01HZX8BILL00000000000000D1
                  event_type: incident.triggered
                  resource_type: incident
                  occurred_at: "2026-11-20T17:29:00.000Z"
                  agent: {id: PAGENT2, type: service_reference, summary: New Relic}
                  client: null
                  data:
                    id: Q1BILLING001
                    type: incident
                    number: 4714
                    status: triggered
                    incident_key: billing-api-errors
                    created_at: "2026-11-20T17:29:00Z"
                    title: "billing-api error rate above 20%"
                    service: {id: PBILAPI, type: service_reference, summary: billing-api}
                    assignees: [{id: PUIVY01, type: user_reference, summary: Ivy Chen}]
                    escalation_policy: {id: PEPBIL1, type: escalation_policy_reference, summary: Payments on-call}
                    teams: [{id: PTPAYM1, type: team_reference, summary: Payments}]
                    priority: null
                    urgency: high

        expect:
          incidents:
            - events: [pd-actions, pd-actions-ack, pd-builder, am-spotlight, pd-spotlight]
              teams: [team:actions, team:builder, team:spotlight]
              notified: [user:dan, user:gwen, user:hal]
              root_cause: {kind: traffic-spike, entity: customer:acme}
              customers: [customer:acme]
              actions: [{action: scale-out, target: service:actions-worker}]
              avoid: [restart]
              triaged_within: 5m
            - events: [pd-billing]
              teams: [team:payments]
              notified: [user:ivy]
              root_cause: {kind: dependency, entity: resource:stripe-api}
              triaged_within: 5m
        """#
}
