// MusterHTTP
