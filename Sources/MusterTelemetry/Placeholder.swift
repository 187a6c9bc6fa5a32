// MusterTelemetry
