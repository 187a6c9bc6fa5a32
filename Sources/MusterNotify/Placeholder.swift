// MusterNotify
