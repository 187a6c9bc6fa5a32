import Foundation
import MusterModel

/// Payloads shaped like the scenario files' timeline `alert.payload`s (deploy-regression, database-saturation).
enum Fixtures {
    static func pagerDuty(eventType: String, status: String, eventID: String = "01JM4Q7C0URIER000000000001") -> String {
        """
        {"event": {
          "id": "\(eventID)", "event_type": "\(eventType)", "resource_type": "incident",
          "occurred_at": "2027-02-16T10:44:00.000Z",
          "agent": {"id": "PDTDOG1", "type": "service_reference", "summary": "Datadog"},
          "client": {"name": "Datadog", "url": "https://app.datadoghq.example/monitors/8812345"},
          "data": {
            "id": "Q2CDSP5XX0001", "type": "incident",
            "self": "https://api.pagerduty.com/incidents/Q2CDSP5XX0001",
            "html_url": "https://brightbasket.pagerduty.com/incidents/Q2CDSP5XX0001",
            "number": 20931, "status": "\(status)", "incident_key": "courier-dispatch-5xx",
            "created_at": "2027-02-16T10:44:00Z",
            "title": "[Datadog] courier-dispatch error rate 17% (threshold 5%)",
            "service": {"id": "PFUL7DX", "type": "service_reference", "summary": "courier-dispatch"},
            "assignees": [{"id": "PUTOMSZ", "type": "user_reference", "summary": "Tomasz Wilk"}],
            "escalation_policy": {"id": "PEPFUL1", "type": "escalation_policy_reference", "summary": "Fulfilment primary"},
            "teams": [{"id": "PTFULF1", "type": "team_reference", "summary": "Fulfilment"}],
            "priority": {"id": "PPRIO2", "type": "priority_reference", "summary": "P2"},
            "urgency": "high"
          }
        }}
        """
    }

    static let alertmanager = """
        {
          "version": "4",
          "groupKey": "{}/{team=\\"checkout\\"}:{alertname=\\"HTTPErrorRateHigh\\", service=\\"cart-api\\"}",
          "truncatedAlerts": 0, "status": "firing", "receiver": "checkout-pager",
          "groupLabels": {"alertname": "HTTPErrorRateHigh"},
          "commonLabels": {"alertname": "HTTPErrorRateHigh", "severity": "critical", "namespace": "storefront", "team": "checkout"},
          "commonAnnotations": {"summary": "5xx ratio above 5%", "runbook_url": "https://runbooks.example/5xx"},
          "externalURL": "http://alertmanager.brightbasket.internal:9093",
          "alerts": [
            {"status": "firing",
             "labels": {"alertname": "HTTPErrorRateHigh", "severity": "critical", "service": "cart-api", "namespace": "storefront", "team": "checkout"},
             "annotations": {"summary": "cart-api 5xx ratio above 5%", "description": "5xx 24%"},
             "startsAt": "2027-02-16T10:42:30Z", "endsAt": "0001-01-01T00:00:00Z",
             "generatorURL": "http://prometheus.brightbasket.internal/graph?g0.expr=x", "fingerprint": "c1a4e9d03b7f2a61"},
            {"status": "resolved",
             "labels": {"alertname": "HTTPErrorRateHigh", "service": "checkout-api", "severity": "warning"},
             "annotations": {},
             "startsAt": "2027-02-16T10:40:00Z", "endsAt": "2027-02-16T10:45:00Z",
             "fingerprint": "d2b5f0e14c8a3b72"},
            {"status": "firing",
             "labels": {"alertname": "HTTPErrorRateHigh", "service": "courier-dispatch"},
             "annotations": {"summary": "courier-dispatch 5xx ratio above 5%"},
             "startsAt": "2027-02-16T10:43:00Z", "endsAt": "0001-01-01T00:00:00Z"}
          ]
        }
        """

    static let grafana = """
        {
          "receiver": "inventory-pager", "status": "firing", "orgId": 1,
          "alerts": [{
            "status": "firing",
            "labels": {"alertname": "ChannelSyncBacklogHigh", "grafana_folder": "Inventory", "app": "availability-sync", "severity": "critical"},
            "annotations": {"summary": "Channel sync backlog above 10k items", "description": "Bookings DB statements time out"},
            "startsAt": "2027-05-08T07:15:40Z", "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "https://grafana.tidewell.example/alerting/grafana/c8fa21de/view?orgId=1",
            "fingerprint": "6b0e4f9a2c7d1835",
            "silenceURL": "https://grafana.tidewell.example/alerting/silence/new",
            "dashboardURL": "https://grafana.tidewell.example/d/avsync?orgId=1",
            "panelURL": "https://grafana.tidewell.example/d/avsync?orgId=1&viewPanel=4",
            "values": {"B": 10480, "C": 1},
            "valueString": "[ var='B' labels={app=availability-sync} value=10480 ], [ var='C' labels={app=availability-sync} value=1 ]"
          }],
          "groupLabels": {"alertname": "ChannelSyncBacklogHigh", "grafana_folder": "Inventory"},
          "commonLabels": {"alertname": "ChannelSyncBacklogHigh", "grafana_folder": "Inventory", "app": "availability-sync", "severity": "critical"},
          "commonAnnotations": {"summary": "Channel sync backlog above 10k items"},
          "externalURL": "https://grafana.tidewell.example/",
          "version": "1",
          "groupKey": "{}:{alertname=\\"ChannelSyncBacklogHigh\\", grafana_folder=\\"Inventory\\"}",
          "truncatedAlerts": 0,
          "title": "[FIRING:1] ChannelSyncBacklogHigh Inventory (availability-sync critical)",
          "state": "alerting",
          "message": "**Firing**"
        }
        """

    static let generic = """
        {"title": "Synthetic check 'guest profile load' failing from 3 of 3 locations",
         "service": "guest-profile-api", "severity": "critical",
         "labels": {"check": "guest-profile-load", "team": "guests", "locations": "fra,ams,dub"},
         "occurred_at": "2027-05-08T07:17:10Z"}
        """
}

extension Date {
    static func at(_ text: String) -> Date { Timestamp.parse(text)! }
}
