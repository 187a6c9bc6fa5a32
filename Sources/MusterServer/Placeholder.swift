// MusterServer
