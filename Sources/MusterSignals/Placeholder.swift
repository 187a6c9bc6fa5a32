// MusterSignals
